CREATE TABLE "case_ratings" (
	"case_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"round" integer NOT NULL,
	"fixed" boolean NOT NULL,
	"satisfaction" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "case_ratings_case_id_person_id_round_pk" PRIMARY KEY("case_id","person_id","round")
);
--> statement-breakpoint
CREATE TABLE "sla_marks" (
	"case_id" integer NOT NULL,
	"key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_marks_case_id_key_pk" PRIMARY KEY("case_id","key")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "dispatched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "feedback_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "first_feedback_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "pending_extension" jsonb;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "reopen_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_ratings" ADD CONSTRAINT "case_ratings_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_ratings" ADD CONSTRAINT "case_ratings_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_marks" ADD CONSTRAINT "sla_marks_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbound_platform_msg_idx" ON "outbound_messages" USING btree ("channel","platform_chat_id","platform_message_id");