"""The IN/AKTIVITET/UT counts of indicators.md, computed by DuckDB straight from an import file.

Independent of the application: it reads the generated CSV, builds spells with window
functions and counts distinct persons per gender. Used by `bench/run.py` to check the
application's numbers and to compare their speed.
"""

from __future__ import annotations

import duckdb

EVENTS_SQL = """
CREATE OR REPLACE TABLE ev AS
SELECT row_number() OVER () AS line, personnummer AS pnr, kon, program, handelse,
       CAST(datum AS DATE) AS datum, detalj, kommunal,
       make_date(CAST(substr(personnummer, 1, 4) AS INT), CAST(substr(personnummer, 5, 2) AS INT),
                 CAST(substr(personnummer, 7, 2) AS INT) % 60) AS born
FROM read_csv(?, delim=';', header=true, all_varchar=true)
---
CREATE OR REPLACE TABLE spells AS
SELECT pnr, kon, handelse AS state, kommunal, datum AS start,
       lead(datum) OVER (PARTITION BY pnr, program ORDER BY datum, line) AS stop
FROM ev
WHERE handelse IN ('aktualisering', 'kartlaggning', 'jobbsok', 'arbetstraning',
                   'arbetspraktik', 'anstallning', 'avslut')
---
CREATE OR REPLACE TABLE enrol AS
SELECT s.pnr, s.kon, s.datum AS start,
       (SELECT min(e.datum) FROM ev e WHERE e.pnr = s.pnr AND e.program = s.program
          AND e.handelse = 'kompetens_slut' AND e.detalj = s.detalj
          AND (e.datum, e.line) > (s.datum, s.line)) AS stop
FROM ev s WHERE s.handelse = 'kompetens_start'
"""

INSATSER = "('kartlaggning', 'jobbsok', 'arbetstraning', 'arbetspraktik', 'anstallning')"


def _overlap(table: str) -> str:
    return (
        f"{table}.start <= $e AND ({table}.stop IS NULL OR {table}.stop > $s) "
        f"AND ({table}.stop IS NULL OR {table}.stop > {table}.start)"
    )


QUERIES = {
    "IN1": "SELECT pnr, kon FROM ev WHERE handelse='aktualisering' AND datum BETWEEN $s AND $e "
    "AND detalj='EB_ARBETSLOSHET'",
    "IN2": "SELECT pnr, kon FROM ev WHERE handelse='aktualisering' AND datum BETWEEN $s AND $e "
    "AND detalj IN ('EB_ARBETSLOSHET', 'EB_ANNAT')",
    "IN3": "SELECT pnr, any_value(kon) AS kon FROM ev WHERE handelse='aktualisering' "
    "AND datum BETWEEN $s AND $e GROUP BY pnr HAVING date_diff('year', any_value(born), "
    "min(datum)) - (strftime(min(datum), '%m%d') < strftime(any_value(born), '%m%d'))::INT <= 24",
    "IN4": "SELECT pnr, any_value(kon) AS kon FROM ev WHERE handelse='aktualisering' "
    "AND datum BETWEEN $s AND $e GROUP BY pnr HAVING date_diff('year', any_value(born), "
    "min(datum)) - (strftime(min(datum), '%m%d') < strftime(any_value(born), '%m%d'))::INT >= 25",
    "AKT1": f"SELECT pnr, kon FROM spells WHERE state='kartlaggning' AND {_overlap('spells')}",
    "AKT2": f"SELECT pnr, kon FROM spells WHERE state='arbetstraning' AND {_overlap('spells')}",
    "AKT3": f"SELECT pnr, kon FROM spells WHERE state='arbetspraktik' AND {_overlap('spells')}",
    "AKT4": f"SELECT pnr, kon FROM spells WHERE state='anstallning' AND {_overlap('spells')}",
    "AKT5": f"SELECT pnr, kon FROM enrol WHERE {_overlap('enrol')}",
    "UT1": "SELECT pnr, kon FROM spells WHERE state IN ('arbetspraktik', 'anstallning') "
    f"AND kommunal='ja' AND {_overlap('spells')}",
    "UT2": "SELECT pnr, kon FROM ev WHERE handelse='avslut' AND datum BETWEEN $s AND $e "
    "AND detalj='ARBETE'",
    "UT3": "SELECT pnr, kon FROM ev WHERE handelse='avslut' AND datum BETWEEN $s AND $e "
    "AND detalj='STUDIER'",
    "UT4": "SELECT pnr, kon FROM ev WHERE handelse='avslut' AND datum BETWEEN $s AND $e "
    "AND detalj IN ('AF', 'FK', 'SOCIALTJANST')",
    "UT5": f"SELECT pnr, kon FROM spells WHERE state IN {INSATSER} AND {_overlap('spells')} "
    f"UNION SELECT pnr, kon FROM enrol WHERE {_overlap('enrol')}",
}


def load(path: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for statement in EVENTS_SQL.split("---"):
        if statement.strip():
            con.execute(statement, [path] if "?" in statement else [])
    return con


def indicators(con: duckdb.DuckDBPyConnection, start: str, end: str) -> dict[str, dict]:
    """Distinct persons per indicator, in total and per gender K, M, X."""
    result = {}
    for code, query in QUERIES.items():
        rows = con.execute(
            f"SELECT kon, count(DISTINCT pnr) FROM ({query}) GROUP BY kon",
            {"s": start, "e": end},
        ).fetchall()
        counts = {"K": 0, "M": 0, "X": 0} | dict(rows)
        result[code] = {"total": sum(counts.values()), **counts}
    return result
