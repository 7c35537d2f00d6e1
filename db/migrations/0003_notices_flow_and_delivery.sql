ALTER TABLE "notice_deliveries" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "flow_step" text;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "draft_chat_id" integer;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "last_inbound_id" bigint;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_draft_chat_id_chats_id_fk" FOREIGN KEY ("draft_chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notice_deliveries_chat_idx" ON "notice_deliveries" USING btree ("chat_id");--> statement-breakpoint
CREATE INDEX "notice_deliveries_pending_idx" ON "notice_deliveries" USING btree ("notice_id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "notices_draft_idx" ON "notices" USING btree ("author_person_id","draft_chat_id") WHERE flow_step is not null;--> statement-breakpoint
CREATE INDEX "notices_last_inbound_idx" ON "notices" USING btree ("last_inbound_id");