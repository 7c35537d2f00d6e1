ALTER TABLE "sim_messages" ADD COLUMN "send_key" text;--> statement-breakpoint
ALTER TABLE "sim_messages" ADD COLUMN "deliveries" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "sim_messages_send_key_idx" ON "sim_messages" USING btree ("send_key");