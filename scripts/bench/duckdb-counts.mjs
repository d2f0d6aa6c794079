// DuckDB's side of the comparison (scripts/bench.sh): the de-duplicated per-(minute, ad, country)
// counts of one generated CSV log, computed with SET threads=N, timed inside the process (the
// query only: not node's start-up nor loading DuckDB; wall and CPU time), written as CSV
// minute,ad,country,clicks.
//   node duckdb-counts.mjs LOG.csv THREADS OUT.csv  → {"seconds":…,"cpuSeconds":…,"rows":…,"clicks":…}
//
// The same rules as the engine for the inputs the benchmark generates (docs/PERFORMANCE.md):
// identity = click_id when present, else (ad_id, event time in ms, user_id, ip); every identity is
// counted once, in the minute of its event time. The benchmark ingests with a lateness and a dedup
// horizon of a day, so on an input spanning less than that nothing is late and every copy is a
// duplicate, which makes the engine's rules and this query coincide; the input has no malformed
// lines and no blanks around separators (bench.sh removes them first: DuckDB's reader would split
// a quoted field after a blank). The country is upper-cased, and a time is ISO 8601 (space or T,
// optional Z) or an epoch in ms, as the generator writes them.
import { DuckDBInstance } from '@duckdb/node-api';
import { openSync, readSync, closeSync } from 'node:fs';

const [log, threads, out] = process.argv.slice(2);
if (!log || !threads || !out) {
    console.error('usage: node duckdb-counts.mjs LOG.csv THREADS OUT.csv');
    process.exit(2);
}

// The header names the columns in any order and case; the time column may be "timestamp".
function columnNames(path) {
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    const header = buf.subarray(0, n).toString('utf8').split('\n')[0].replace(/\r$/, '');
    const synonyms = { timestamp: 'click_timestamp' };
    return header.split(',').map((c, i) => {
        const name = c.trim().toLowerCase();
        return synonyms[name] ?? (['ad_id', 'click_timestamp', 'user_id', 'ip', 'country', 'click_id'].includes(name)
            ? name : `extra_${i}`);
    });
}

const names = columnNames(log);
for (const need of ['ad_id', 'click_timestamp', 'user_id', 'ip', 'country', 'click_id'])
    if (!names.includes(need)) {
        console.error(`duckdb-counts: the header of ${log} has no ${need} column: ${names.join(',')}`);
        process.exit(1);
    }
const q = (s) => `'${s.replaceAll("'", "''")}'`;
// The fastest plain form we found: text columns (the time column mixes forms), the time parsed by
// whichever cast succeeds, one identity string per click, count(DISTINCT) per group.
const sql = `
CREATE TABLE counts AS
WITH clicks AS (
    SELECT ad_id AS ad, upper(country) AS country, user_id, ip, nullif(click_id, '') AS click_id,
        coalesce(TRY_CAST(click_timestamp AS BIGINT),
                 epoch_ms(CAST(rtrim(replace(click_timestamp, 'T', ' '), 'Z') AS TIMESTAMP))) AS ms
    FROM read_csv(${q(log)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"',
        names = [${names.map(q).join(', ')}], strict_mode = false, null_padding = true)
    WHERE ad_id IS NOT NULL
)
SELECT ms // 60000 AS minute, ad, country,
    count(DISTINCT coalesce(click_id, concat_ws(chr(31), ad, ms, user_id, ip))) AS clicks
FROM clicks GROUP BY ALL`;

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
const t0 = process.hrtime.bigint(), cpu0 = process.cpuUsage();
await con.run(sql);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const used = process.cpuUsage(cpu0); // all threads of the process, µs
const cpuSeconds = (used.user + used.system) / 1e6;
await con.run(`COPY (SELECT * FROM counts ORDER BY minute, ad, country) TO ${q(out)} (HEADER, DELIMITER ',')`);
const rows = (await con.runAndReadAll('SELECT count(*)::BIGINT, sum(clicks)::BIGINT FROM counts')).getRows()[0];
console.log(JSON.stringify({ seconds, cpuSeconds, rows: Number(rows[0]), clicks: Number(rows[1]), threads: Number(threads) }));
