CREATE INDEX "case_reporters_person_idx" ON "case_reporters" USING btree ("person_id","chat_id","created_at");--> statement-breakpoint
CREATE INDEX "chat_members_person_idx" ON "chat_members" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "inbound_case_idx" ON "inbound_messages" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "inbound_media_pending_idx" ON "inbound_messages" USING btree ("person_id","chat_id","received_at") WHERE outcome = 'media_only' and case_id is null;--> statement-breakpoint
CREATE INDEX "outbound_chat_idx" ON "outbound_messages" USING btree ("chat_id","created_at");