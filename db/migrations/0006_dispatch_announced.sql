ALTER TABLE "cases" ADD COLUMN "announced_at" timestamp with time zone;--> statement-breakpoint
UPDATE "cases" SET "announced_at" = "dispatched_at" WHERE "dispatched_at" IS NOT NULL;