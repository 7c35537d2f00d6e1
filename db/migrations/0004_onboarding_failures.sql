CREATE TABLE "onboarding_failures" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"platform_user_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "onboarding_failures_sender_idx" ON "onboarding_failures" USING btree ("channel","platform_user_id","at");