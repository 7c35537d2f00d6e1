DROP INDEX "notice_deliveries_chat_idx";--> statement-breakpoint
CREATE INDEX "notice_deliveries_chat_time_idx" ON "notice_deliveries" USING btree ("chat_id","updated_at");