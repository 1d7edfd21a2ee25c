CREATE SCHEMA "relay";
--> statement-breakpoint
CREATE TABLE "relay"."agent_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "relay"."agent_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"run_id" uuid NOT NULL,
	"tenant" text,
	"kind" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agent_log_kind_check" CHECK ("relay"."agent_log"."kind" in ('start', 'observation', 'end', 'error'))
);
--> statement-breakpoint
CREATE TABLE "relay"."dispatcher_heartbeats" (
	"worker_id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relay"."event_deliveries" (
	"event_id" text NOT NULL,
	"endpoint_url" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"last_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "event_deliveries_event_id_endpoint_url_pk" PRIMARY KEY("event_id","endpoint_url"),
	CONSTRAINT "event_deliveries_status_check" CHECK ("relay"."event_deliveries"."status" in ('pending', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "relay"."event_outbox" (
	"event_id" text PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"tenant" text NOT NULL,
	"contact_message_id" bigint NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "relay"."watcher_state" (
	"tenant" text PRIMARY KEY NOT NULL,
	"last_seen_id" bigint DEFAULT 0 NOT NULL,
	"pending_max_id" bigint,
	"pending_xmax" bigint,
	"pending_since" timestamp with time zone,
	"last_poll_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "relay"."event_deliveries" ADD CONSTRAINT "event_deliveries_event_id_event_outbox_event_id_fk" FOREIGN KEY ("event_id") REFERENCES "relay"."event_outbox"("event_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_log_run_idx" ON "relay"."agent_log" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "agent_log_tenant_created_idx" ON "relay"."agent_log" USING btree ("tenant","created_at");--> statement-breakpoint
CREATE INDEX "agent_log_created_idx" ON "relay"."agent_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "event_deliveries_open_idx" ON "relay"."event_deliveries" USING btree ("status","endpoint_url") WHERE "relay"."event_deliveries"."status" <> 'delivered';--> statement-breakpoint
CREATE INDEX "event_outbox_tenant_source_idx" ON "relay"."event_outbox" USING btree ("tenant","contact_message_id");--> statement-breakpoint
CREATE INDEX "event_outbox_undelivered_idx" ON "relay"."event_outbox" USING btree ("tenant","created_at") WHERE "relay"."event_outbox"."delivered_at" is null;--> statement-breakpoint
CREATE INDEX "event_outbox_delivered_at_idx" ON "relay"."event_outbox" USING btree ("delivered_at") WHERE "relay"."event_outbox"."delivered_at" is not null;