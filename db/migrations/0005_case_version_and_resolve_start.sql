ALTER TABLE "cases" ADD COLUMN "resolve_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;