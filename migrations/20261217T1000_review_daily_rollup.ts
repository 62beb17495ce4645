import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * Upper bounds of the time-to-review buckets, in seconds: bucket 1 is [0, 1 s), bucket i is
 * [bound i-1, bound i), the last is 3 h and over. About 10 to 25% wide up to 30 minutes, and they
 * include the dashboard's display bounds (30 s, 1, 2, 5, 10 and 30 min). Copied, never imported,
 * by src/dashboard/data/rollup-buckets.ts (test/dashboard/review-rollup.test.ts checks they agree).
 */
const BOUNDS_SECONDS = [
  1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 105, 120, 140, 160,
  180, 210, 240, 270, 300, 360, 420, 480, 540, 600, 720, 840, 960, 1080, 1200, 1500, 1800, 2100,
  2400, 3000, 3600, 4500, 5400, 7200, 10800,
];
const BUCKETS = BOUNDS_SECONDS.length + 1;

/**
 * `review_daily_rollup`: the dashboard overview's figures per (installation, repository, UTC day
 * of the review's created_at), so a year is read from about 365 rows per repository rather than
 * every review. Kept by triggers on `reviews` and `findings` (each change subtracts the old row's
 * contribution and adds the new one), so no code path can forget it; backfilled here by
 * `rebuild_review_daily_rollup()`, which can also be called to rebuild it by hand (after a
 * TRUNCATE, which the triggers do not see).
 *
 * Findings count on their review's day and key (as the overview always counted them). Deleting a
 * review subtracts its findings in a BEFORE trigger; the findings deleted by the cascade then find
 * no review and change nothing.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await sql`CREATE TABLE review_daily_rollup (
    installation_id bigint NOT NULL,
    repository_id bigint NOT NULL,
    day date NOT NULL,
    reviews integer NOT NULL DEFAULT 0,
    posted integer NOT NULL DEFAULT 0,
    failed integer NOT NULL DEFAULT 0,
    input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    cache_read_tokens bigint NOT NULL DEFAULT 0,
    cache_write_tokens bigint NOT NULL DEFAULT 0,
    cost_usd double precision NOT NULL DEFAULT 0,
    findings_critical integer NOT NULL DEFAULT 0,
    findings_major integer NOT NULL DEFAULT 0,
    findings_minor integer NOT NULL DEFAULT 0,
    findings_nit integer NOT NULL DEFAULT 0,
    findings_addressed integer NOT NULL DEFAULT 0,
    findings_dismissed integer NOT NULL DEFAULT 0,
    durations integer[] NOT NULL DEFAULT array_fill(0, ARRAY[${sql.lit(BUCKETS)}]),
    PRIMARY KEY (installation_id, repository_id, day)
  )`.execute(db);
  // The overview reads a range of days for the installations in scope.
  await sql`CREATE INDEX review_daily_rollup_day_idx ON review_daily_rollup (installation_id, day)`.execute(
    db,
  );

  const bounds = sql.raw(`ARRAY[${BOUNDS_SECONDS.map((s) => s * 1000).join(", ")}]::bigint[]`);
  await sql`CREATE FUNCTION review_rollup_bucket(ms bigint) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT width_bucket(ms, ${bounds}) + 1 $$`.execute(db);

  // A review's own figures, times sign (1 to add, -1 to subtract). SET search_path FROM CURRENT:
  // the functions find the tables of the schema they were created in, whatever the caller's path.
  await sql`CREATE FUNCTION review_rollup_apply_review(r reviews, sign integer) RETURNS void
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    DECLARE
      d date := (r.created_at AT TIME ZONE 'UTC')::date;
    BEGIN
      INSERT INTO review_daily_rollup AS t (installation_id, repository_id, day, reviews, posted,
        failed, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd)
      VALUES (r.installation_id, r.repository_id, d, sign,
        CASE WHEN r.status = 'posted' THEN sign ELSE 0 END,
        CASE WHEN r.status = 'failed' THEN sign ELSE 0 END,
        sign * r.input_tokens::bigint, sign * r.output_tokens::bigint,
        sign * r.cache_read_tokens::bigint, sign * r.cache_write_tokens::bigint, sign * r.cost_usd)
      ON CONFLICT (installation_id, repository_id, day) DO UPDATE SET
        reviews = t.reviews + EXCLUDED.reviews,
        posted = t.posted + EXCLUDED.posted,
        failed = t.failed + EXCLUDED.failed,
        input_tokens = t.input_tokens + EXCLUDED.input_tokens,
        output_tokens = t.output_tokens + EXCLUDED.output_tokens,
        cache_read_tokens = t.cache_read_tokens + EXCLUDED.cache_read_tokens,
        cache_write_tokens = t.cache_write_tokens + EXCLUDED.cache_write_tokens,
        cost_usd = t.cost_usd + EXCLUDED.cost_usd;
      IF r.status = 'posted' AND r.duration_ms IS NOT NULL THEN
        UPDATE review_daily_rollup
          SET durations[review_rollup_bucket(r.duration_ms)] =
            durations[review_rollup_bucket(r.duration_ms)] + sign
          WHERE installation_id = r.installation_id AND repository_id = r.repository_id AND day = d;
      END IF;
    END $$`.execute(db);

  // Findings counts, times sign, on the key of review r.
  await sql`CREATE FUNCTION review_rollup_apply_findings(r reviews, sign integer, critical integer,
      major integer, minor integer, nit integer, addressed integer, dismissed integer) RETURNS void
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      INSERT INTO review_daily_rollup AS t (installation_id, repository_id, day, findings_critical,
        findings_major, findings_minor, findings_nit, findings_addressed, findings_dismissed)
      VALUES (r.installation_id, r.repository_id, (r.created_at AT TIME ZONE 'UTC')::date,
        sign * critical, sign * major, sign * minor, sign * nit, sign * addressed, sign * dismissed)
      ON CONFLICT (installation_id, repository_id, day) DO UPDATE SET
        findings_critical = t.findings_critical + EXCLUDED.findings_critical,
        findings_major = t.findings_major + EXCLUDED.findings_major,
        findings_minor = t.findings_minor + EXCLUDED.findings_minor,
        findings_nit = t.findings_nit + EXCLUDED.findings_nit,
        findings_addressed = t.findings_addressed + EXCLUDED.findings_addressed,
        findings_dismissed = t.findings_dismissed + EXCLUDED.findings_dismissed;
    END $$`.execute(db);

  // All of review r's findings, times sign (when the review is deleted or moves to another key).
  await sql`CREATE FUNCTION review_rollup_apply_review_findings(r reviews, sign integer) RETURNS void
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    DECLARE
      c record;
    BEGIN
      SELECT count(*) FILTER (WHERE severity = 'critical')::int AS critical,
             count(*) FILTER (WHERE severity = 'major')::int AS major,
             count(*) FILTER (WHERE severity = 'minor')::int AS minor,
             count(*) FILTER (WHERE severity = 'nit')::int AS nit,
             count(*) FILTER (WHERE status = 'addressed')::int AS addressed,
             count(*) FILTER (WHERE status = 'dismissed')::int AS dismissed,
             count(*)::int AS total
        INTO c FROM findings WHERE review_id = r.id;
      IF c.total > 0 THEN
        PERFORM review_rollup_apply_findings(r, sign, c.critical, c.major, c.minor, c.nit,
          c.addressed, c.dismissed);
      END IF;
    END $$`.execute(db);

  // One finding f, times sign, on its review's key; nothing when the review is gone (a cascade).
  await sql`CREATE FUNCTION review_rollup_apply_finding(f findings, sign integer) RETURNS void
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    DECLARE
      r reviews;
    BEGIN
      SELECT * INTO r FROM reviews WHERE id = f.review_id;
      IF FOUND THEN
        PERFORM review_rollup_apply_findings(r, sign,
          (f.severity = 'critical')::int, (f.severity = 'major')::int,
          (f.severity = 'minor')::int, (f.severity = 'nit')::int,
          (f.status = 'addressed')::int, (f.status = 'dismissed')::int);
      END IF;
    END $$`.execute(db);

  await sql`CREATE FUNCTION review_rollup_on_review() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM review_rollup_apply_review(NEW, 1);
        RETURN NEW;
      ELSIF TG_OP = 'UPDATE' THEN
        PERFORM review_rollup_apply_review(OLD, -1);
        PERFORM review_rollup_apply_review(NEW, 1);
        IF OLD.installation_id <> NEW.installation_id OR OLD.repository_id <> NEW.repository_id
           OR (OLD.created_at AT TIME ZONE 'UTC')::date <> (NEW.created_at AT TIME ZONE 'UTC')::date
           OR OLD.id <> NEW.id THEN
          PERFORM review_rollup_apply_review_findings(OLD, -1);
          PERFORM review_rollup_apply_review_findings(NEW, 1);
        END IF;
        RETURN NEW;
      ELSE
        -- BEFORE DELETE: its findings still exist here; the cascade's triggers will not find it.
        PERFORM review_rollup_apply_review(OLD, -1);
        PERFORM review_rollup_apply_review_findings(OLD, -1);
        RETURN OLD;
      END IF;
    END $$`.execute(db);
  await sql`CREATE TRIGGER review_rollup_insert_update AFTER INSERT OR UPDATE ON reviews
    FOR EACH ROW EXECUTE FUNCTION review_rollup_on_review()`.execute(db);
  await sql`CREATE TRIGGER review_rollup_delete BEFORE DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION review_rollup_on_review()`.execute(db);

  await sql`CREATE FUNCTION review_rollup_on_finding() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM review_rollup_apply_finding(OLD, -1);
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM review_rollup_apply_finding(NEW, 1);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  // Only the columns the rollup counts: status changes (addressed, dismissed) are the common update.
  await sql`CREATE TRIGGER review_rollup_finding AFTER INSERT OR DELETE
    OR UPDATE OF review_id, severity, status ON findings
    FOR EACH ROW EXECUTE FUNCTION review_rollup_on_finding()`.execute(db);

  await sql`CREATE FUNCTION rebuild_review_daily_rollup() RETURNS void
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      LOCK TABLE reviews, findings IN SHARE MODE;
      DELETE FROM review_daily_rollup;
      INSERT INTO review_daily_rollup (installation_id, repository_id, day, reviews, posted,
        failed, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd,
        findings_critical, findings_major, findings_minor, findings_nit, findings_addressed,
        findings_dismissed, durations)
      WITH r AS (
        SELECT id, installation_id, repository_id, (created_at AT TIME ZONE 'UTC')::date AS day,
          status, duration_ms, input_tokens, output_tokens, cache_read_tokens,
          cache_write_tokens, cost_usd
        FROM reviews
      ), sums AS (
        SELECT installation_id, repository_id, day, count(*)::int AS reviews,
          count(*) FILTER (WHERE status = 'posted')::int AS posted,
          count(*) FILTER (WHERE status = 'failed')::int AS failed,
          sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
          sum(cache_read_tokens)::bigint AS cache_read_tokens,
          sum(cache_write_tokens)::bigint AS cache_write_tokens, sum(cost_usd) AS cost_usd
        FROM r GROUP BY installation_id, repository_id, day
      ), f AS (
        SELECT r.installation_id, r.repository_id, r.day,
          count(*) FILTER (WHERE f.severity = 'critical')::int AS critical,
          count(*) FILTER (WHERE f.severity = 'major')::int AS major,
          count(*) FILTER (WHERE f.severity = 'minor')::int AS minor,
          count(*) FILTER (WHERE f.severity = 'nit')::int AS nit,
          count(*) FILTER (WHERE f.status = 'addressed')::int AS addressed,
          count(*) FILTER (WHERE f.status = 'dismissed')::int AS dismissed
        FROM r JOIN findings f ON f.review_id = r.id
        GROUP BY r.installation_id, r.repository_id, r.day
      ), b AS (
        SELECT installation_id, repository_id, day, review_rollup_bucket(duration_ms) AS bucket,
          count(*)::int AS n
        FROM r WHERE status = 'posted' AND duration_ms IS NOT NULL
        GROUP BY installation_id, repository_id, day, bucket
      ), d AS (
        SELECT s.installation_id, s.repository_id, s.day,
          array_agg(coalesce(b.n, 0) ORDER BY i) AS durations
        FROM sums s CROSS JOIN generate_series(1, ${sql.lit(BUCKETS)}) i
        LEFT JOIN b ON b.installation_id = s.installation_id
          AND b.repository_id = s.repository_id AND b.day = s.day AND b.bucket = i
        GROUP BY s.installation_id, s.repository_id, s.day
      )
      SELECT s.installation_id, s.repository_id, s.day, s.reviews, s.posted, s.failed,
        s.input_tokens, s.output_tokens, s.cache_read_tokens, s.cache_write_tokens, s.cost_usd,
        coalesce(f.critical, 0), coalesce(f.major, 0), coalesce(f.minor, 0), coalesce(f.nit, 0),
        coalesce(f.addressed, 0), coalesce(f.dismissed, 0), d.durations
      FROM sums s
      JOIN d USING (installation_id, repository_id, day)
      LEFT JOIN f USING (installation_id, repository_id, day);
    END $$`.execute(db);
  await sql`SELECT rebuild_review_daily_rollup()`.execute(db);
}

export async function down(db: AnyDatabase): Promise<void> {
  await sql`DROP TRIGGER review_rollup_finding ON findings`.execute(db);
  await sql`DROP TRIGGER review_rollup_delete ON reviews`.execute(db);
  await sql`DROP TRIGGER review_rollup_insert_update ON reviews`.execute(db);
  for (const fn of [
    "rebuild_review_daily_rollup()",
    "review_rollup_on_finding()",
    "review_rollup_on_review()",
    "review_rollup_apply_finding(findings, integer)",
    "review_rollup_apply_review_findings(reviews, integer)",
    "review_rollup_apply_findings(reviews, integer, integer, integer, integer, integer, integer, integer)",
    "review_rollup_apply_review(reviews, integer)",
    "review_rollup_bucket(bigint)",
  ]) {
    await sql`DROP FUNCTION ${sql.raw(fn)}`.execute(db);
  }
  await sql`DROP TABLE review_daily_rollup`.execute(db);
}
