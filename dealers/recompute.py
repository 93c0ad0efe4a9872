"""Set-based recomputation of evaluation scores: the rules of ``dealers.scoring`` in SQL.

One UPDATE per batch of evaluation ids computes sub-item points (fit to need or rating),
criterion scores, total, decision with its reasons (jsonb, the same facts as
``scoring.Result.reasons``), dealer type and the oversized flag, with the template
version's thresholds, and writes only
rows whose result differs (``IS DISTINCT FROM``), so a re-run writes nothing. Changed
rows mark their candidates' PDF sheets stale in the same statement. The audit trail
history gets one EvaluationScore row per changed evaluation from the same statement;
``template_id`` records the version used.

``tests/dealers/test_recompute.py`` checks this SQL against ``scoring.evaluate``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from . import scoring
from .models import Candidate, Evaluation, EvaluationScore, EvaluationSheet
from .scoring import MEASURE_BY_SUBITEM, TemplateSpec

EVALUATION = Evaluation._meta.db_table
CANDIDATE = Candidate._meta.db_table
SHEET = EvaluationSheet._meta.db_table
SCORE = EvaluationScore._meta.db_table
# Bump when the rules in scoring.py change, so every stored score is recomputed once.
# 2: rating red flags, the oversized strength gate, reasons, thresholds per template.
SCORING_RULES_VERSION = 2
CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")
NUMBER_RE = re.compile(r"[0-9]{1,6}(\.[0-9]{1,6})?")


@dataclass(frozen=True)
class MarketRequirement:
    market_id: int
    working_capital: object
    warehouse_m2: object
    deliverable_outlets_per_week: object
    covered_outlets: object
    key_city: bool


@dataclass(frozen=True)
class Outcome:
    processed: int
    changed: int
    stale_sheet_ids: list[int]


def _fit_sql(measure: str, thresholds: scoring.Thresholds) -> str:
    """scoring.fit_points in SQL: the same operations on the same amounts."""
    have, need = f"c.{measure}", f"req.{measure}"
    plateau, slope = Decimal(thresholds.fit_plateau_end), Decimal(thresholds.fit_slope)
    top, floor = thresholds.fit_top, Decimal(thresholds.fit_floor)
    return (
        f"CASE WHEN {have} < {need} THEN round(100 * {have} / {need}, 2) "
        f"WHEN req.key_city OR {have} <= {plateau}::numeric * {need} THEN 100 "
        f"ELSE GREATEST({floor}::numeric, "
        f"round({top}::numeric - {slope}::numeric * {have} / {need}, 2)) END"
    )


def _applies_sql(measure: str) -> str:
    return f"(req.{measure} > 0 AND c.{measure} IS NOT NULL)"


def _mean_ratio_sql() -> list[str]:
    """The mean ratio as an exact fraction q_num / (q_n · q_den) over the quantified
    sub-items that apply (as scoring.mean_ratio_above compares it with fractions)."""
    measures = list(MEASURE_BY_SUBITEM.values())
    need = {m: f"(CASE WHEN {_applies_sql(m)} THEN req.{m} ELSE 1 END)::numeric" for m in measures}
    terms = [
        " * ".join(
            [f"(CASE WHEN {_applies_sql(m)} THEN c.{m} ELSE 0 END)::numeric"]
            + [need[other] for other in measures if other != m]
        )
        for m in measures
    ]
    return [
        f"({' + '.join(terms)}) AS q_num",
        f"({' * '.join(need.values())}) AS q_den",
        f"({' + '.join(f'(CASE WHEN {_applies_sql(m)} THEN 1 ELSE 0 END)' for m in measures)})"
        " AS q_n",
    ]


def _literal(text: str) -> str:
    """A code or number we generated as an SQL string literal (checked, never user input)."""
    if not CODE_RE.fullmatch(text) and not NUMBER_RE.fullmatch(text):
        raise ValueError(f"Unsafe literal {text!r}")
    return f"'{text}'"


def _reason_sql(gate: str, code: str, **facts: str) -> str:
    pairs = [f"'gate', {_literal(gate)}", f"'code', {code}"]
    pairs += [f"{_literal(name)}, {value}" for name, value in facts.items()]
    return f"jsonb_build_array(jsonb_build_object({', '.join(pairs)}))"


def build_sql(template: TemplateSpec, *, where: str, template_id: int) -> tuple[str, list]:
    """The UPDATE for one batch; `where` filters evaluations (aliases e and c).

    Rows whose score inputs (template version, the market's need, the candidate's measures
    and flags, the scoring rules' version) are unchanged are skipped before any scoring;
    rows that are re-scored but come out the same only record their new inputs.
    """
    template_id = int(template_id)
    thresholds = template.thresholds
    inputs = (
        f"concat_ws('|', '{SCORING_RULES_VERSION}', '{template_id}', req.working_capital, "
        "req.warehouse_m2, req.deliverable_outlets_per_week, req.covered_outlets, "
        "req.key_city, c.working_capital, c.warehouse_m2, c.deliverable_outlets_per_week, "
        "c.covered_outlets, c.confirmed_red_flags::text, e.red_flags::text)"
    )
    point_columns = []
    record_columns = []
    flag_levels = {item.code: item.red_flag_level for item in template.red_flag_subitems}
    flag_columns: list[tuple[str, str]] = []  # (sub-item code, column of its flagged level)
    for index, code in enumerate(template.subitem_codes):
        if not CODE_RE.fullmatch(code):
            raise ValueError(f"Unsafe sub-item code {code!r}")
        column = f"r.{connection.ops.quote_name(code)}"
        record_columns.append(f"{connection.ops.quote_name(code)} int")
        # Ratings are validated as whole numbers 1–5 when saved; off-scale counts as missing.
        rating = f"CASE WHEN {column} BETWEEN 1 AND 5 THEN {column} * 20 END"
        if flag_levels.get(code) is not None:
            level = int(flag_levels[code])  # type: ignore[arg-type]
            point_columns.append(
                f"CASE WHEN {column} BETWEEN 1 AND {level} THEN {column} END AS rf{index}"
            )
            flag_columns.append((code, f"rf{index}"))
        measure = MEASURE_BY_SUBITEM.get(code)
        if measure:
            fit = _fit_sql(measure, thresholds)
            expression = f"CASE WHEN {_applies_sql(measure)} THEN {fit} ELSE {rating} END"
        else:
            expression = rating
        point_columns.append(f"({expression})::numeric AS p{index}")
    ratio_columns = [
        f"CASE WHEN {_applies_sql(measure)} THEN c.{measure}::numeric / req.{measure} END "
        f"AS r_{code}"
        for code, measure in MEASURE_BY_SUBITEM.items()
    ] + _mean_ratio_sql()

    index_of = {code: i for i, code in enumerate(template.subitem_codes)}
    criterion_columns = []
    criterion_code_params: list = []
    for number, criterion in enumerate(template.criteria):
        items = [(index_of[item.code], Decimal(item.weight)) for item in criterion.subitems]
        if not items:
            criterion_columns.append(f"NULL::numeric AS c{number}")
            continue
        null_check = " OR ".join(f"p{i} IS NULL" for i, _w in items)
        numerator = " + ".join(f"{w}::numeric * p{i}" for i, w in items)
        denominator = " + ".join(f"{w}::numeric" for _i, w in items)
        criterion_columns.append(
            f"CASE WHEN {null_check} THEN NULL "
            f"ELSE round(({numerator}) / ({denominator}), 1) END AS c{number}"
        )
    number_of = {criterion.code: n for n, criterion in enumerate(template.criteria)}
    all_criteria = list(range(len(template.criteria)))
    if all_criteria:
        total_null = " OR ".join(f"c{n} IS NULL" for n in all_criteria)
        total_num = " + ".join(
            f"{Decimal(template.criteria[n].weight)}::numeric * c{n}" for n in all_criteria
        )
        total_den = " + ".join(
            f"{Decimal(template.criteria[n].weight)}::numeric" for n in all_criteria
        )
        total_sql = (
            f"CASE WHEN {total_null} THEN NULL ELSE round(({total_num}) / ({total_den}), 1) END"
        )
    else:
        total_sql = "NULL::numeric"

    t = thresholds
    text1 = scoring.text1
    reputation = f"c{number_of[scoring.REPUTATION]}" if scoring.REPUTATION in number_of else None
    willingness = f"c{number_of[scoring.WILLINGNESS]}" if scoring.WILLINGNESS in number_of else None
    strength = f"c{number_of[scoring.STRENGTH]}" if scoring.STRENGTH in number_of else None
    ticked = "(jsonb_array_length(eflags) > 0 OR jsonb_array_length(cflags) > 0)"
    vetoes = [ticked] + [f"{column} IS NOT NULL" for _code, column in flag_columns]
    if reputation:
        vetoes.append(f"{reputation} < {t.reputation_veto_below}")
    # The mean ratio above 1 (scoring.mean_ratio_above(…, 1)), cross-multiplied.
    oversized_side = "q_num > q_n * q_den"
    mean_text = (
        "CASE WHEN q_n > 0 THEN "
        "round(div(20 * q_num + q_n * q_den, 2 * q_n * q_den) / 10, 1)::text END"
    )
    strength_code = f"CASE WHEN {oversized_side} THEN 'oversized' ELSE 'insufficient' END"
    # (condition, decision, reasons), in the order of scoring.judge.
    steps: list[tuple[str, str, str]] = []
    veto_reasons = [
        # Ticked and confirmed flags, each once, in code order (Python's sorted()).
        "COALESCE((SELECT jsonb_agg(jsonb_build_object('gate', 'reputation', "
        "'code', 'red_flag', 'flag', f) ORDER BY f COLLATE \"C\") "
        "FROM (SELECT DISTINCT jsonb_array_elements_text(eflags || cflags) AS f) AS fl), "
        "'[]'::jsonb)"
    ]
    for code, column in flag_columns:
        reason = _reason_sql(
            scoring.GATE_REPUTATION,
            _literal(scoring.RATING_RED_FLAG),
            subitem=_literal(code),
            level=column,
        )
        veto_reasons.append(f"CASE WHEN {column} IS NOT NULL THEN {reason} ELSE '[]'::jsonb END")
    if reputation:
        reason = _reason_sql(
            scoring.GATE_REPUTATION,
            _literal(scoring.REPUTATION_BELOW),
            score=f"{reputation}::text",
            threshold=_literal(text1(t.reputation_veto_below)),
        )
        veto_reasons.append(
            f"CASE WHEN {reputation} < {t.reputation_veto_below} THEN {reason} ELSE '[]'::jsonb END"
        )
    steps.append((" OR ".join(vetoes), "'reject'", " || ".join(veto_reasons)))
    steps.append(("total IS NULL", "''", "'[]'::jsonb"))
    if willingness:
        steps.append(
            (
                f"{willingness} < {t.willingness_gate_below}",
                "'nurture'",
                _reason_sql(
                    scoring.GATE_WILLINGNESS,
                    _literal(scoring.WILLINGNESS_BELOW),
                    score=f"{willingness}::text",
                    threshold=_literal(text1(t.willingness_gate_below)),
                ),
            )
        )
    if strength:
        steps.append(
            (
                f"{strength} < {t.strength_gate_below}",
                strength_code,
                _reason_sql(
                    scoring.GATE_STRENGTH,
                    strength_code,
                    strength=f"{strength}::text",
                    threshold=_literal(text1(t.strength_gate_below)),
                    mean_ratio=mean_text,
                ),
            )
        )
    for decision, lower in (
        (scoring.STRONGLY_RECOMMENDED, t.band_strong),
        (scoring.RECOMMENDED, t.band_recommended),
        (scoring.CONDITIONAL, t.band_conditional),
    ):
        steps.append(
            (
                f"total >= {lower}",
                _literal(decision),
                _reason_sql(
                    scoring.GATE_BAND,
                    _literal(decision),
                    total="total::text",
                    band_from=_literal(text1(lower)),
                ),
            )
        )
    otherwise = (
        _literal(scoring.NOT_RECOMMENDED),
        _reason_sql(
            scoring.GATE_BAND,
            _literal(scoring.NOT_RECOMMENDED),
            total="total::text",
            band_below=_literal(text1(t.band_conditional)),
        ),
    )
    decision_sql = (
        "CASE "
        + " ".join(f"WHEN {condition} THEN {decision}" for condition, decision, _r in steps)
        + f" ELSE {otherwise[0]} END"
    )
    reasons_sql = (
        "CASE "
        + " ".join(f"WHEN {condition} THEN {reasons}" for condition, _d, reasons in steps)
        + f" ELSE {otherwise[1]} END"
    )
    marketing = (
        f"c{number_of[scoring.MARKETING]}" if scoring.MARKETING in number_of else "NULL::numeric"
    )
    dealer_type = (
        "CASE WHEN r_finance IS NULL OR r_network IS NULL THEN 'unknown' "
        "WHEN r_finance >= 1 THEN (CASE WHEN r_network >= 1 THEN 'type1' ELSE 'type2' END) "
        f"WHEN {marketing} IS NULL THEN 'unknown' "
        f"WHEN {marketing} >= {scoring.TYPE_3_MARKETING} THEN 'type3' ELSE 'type4' END"
    )
    # scoring.mean_ratio_above(…, oversized_warning_ratio), cross-multiplied.
    oversized = f"q_num > {Decimal(t.oversized_warning_ratio)}::numeric * q_n * q_den"
    json_pairs = []
    for n, criterion in enumerate(template.criteria):
        criterion_code_params.append(criterion.code)
        json_pairs.append(f"%s::text, c{n}")
    criteria_json = f"jsonb_build_object({', '.join(json_pairs)})" if json_pairs else "'{}'::jsonb"

    sql = f"""
        WITH req (market_id, working_capital, warehouse_m2, deliverable_outlets_per_week,
                  covered_outlets, key_city) AS (
            SELECT * FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], %s::numeric[],
                                 %s::numeric[], %s::boolean[])
        ),
        pts AS (
            SELECT e.id, e.red_flags AS eflags, c.confirmed_red_flags AS cflags,
                   (e.criteria_scores, e.total, e.decision::text, e.dealer_type::text,
                    e.oversized, e.reasons, e.template_id::bigint) AS old_scores,
                   {inputs} AS inputs,
                   {", ".join(point_columns + ratio_columns)}
            FROM {EVALUATION} e
            JOIN {CANDIDATE} c ON c.id = e.candidate_id
            JOIN req ON req.market_id = c.market_id
            -- one pass over the ratings JSON instead of a lookup per sub-item
            CROSS JOIN LATERAL jsonb_to_record(e.ratings) AS r({", ".join(record_columns)})
            WHERE {where} AND e.score_inputs IS DISTINCT FROM {inputs}
            OFFSET 0
        ),
        crit AS (
            SELECT *, {", ".join(criterion_columns) or "1 AS no_criteria"} FROM pts OFFSET 0
        ),
        tot AS (SELECT *, {total_sql} AS total FROM crit OFFSET 0),
        fin AS (
            SELECT id, total, old_scores, inputs,
                   {criteria_json} AS criteria,
                   {decision_sql} AS decision,
                   {reasons_sql} AS reasons,
                   {dealer_type} AS dealer_type,
                   {oversized} AS oversized
            FROM tot
        ),
        upd AS (
            UPDATE {EVALUATION} e
            SET criteria_scores = fin.criteria, total = fin.total, decision = fin.decision,
                dealer_type = fin.dealer_type, oversized = fin.oversized, reasons = fin.reasons,
                template_id = {template_id}, score_inputs = fin.inputs, scored_at = now()
            FROM fin
            WHERE e.id = fin.id
            RETURNING e.id, e.candidate_id, e.template_id, e.criteria_scores, e.total,
                      e.decision, e.dealer_type, e.oversized, e.reasons,
                      fin.old_scores IS DISTINCT FROM
                      (fin.criteria, fin.total, fin.decision, fin.dealer_type, fin.oversized,
                       fin.reasons, {template_id}::bigint) AS scores_changed
        ),
        hist AS (
            INSERT INTO {SCORE} (evaluation_id, template_id, criteria_scores, total, decision,
                                 dealer_type, oversized, reasons, job_id, created_at)
            SELECT id, template_id, criteria_scores, total, decision, dealer_type, oversized,
                   reasons, %s, now()
            FROM upd WHERE scores_changed
        ),
        stale AS (
            UPDATE {SHEET} s SET status = 'stale', updated_at = now()
            WHERE s.candidate_id IN (SELECT candidate_id FROM upd WHERE scores_changed)
              AND s.status = 'ready'
            RETURNING s.id
        )
        SELECT (SELECT count(*) FROM upd WHERE scores_changed), (SELECT count(*) FROM fin),
               (SELECT coalesce(array_agg(id), '{{}}') FROM stale)
    """  # noqa: S608 - identifiers come from model meta and code; values are parameters
    return sql, criterion_code_params


def run(
    *,
    template: TemplateSpec,
    template_id: int,
    requirements: list[MarketRequirement],
    where: str = "TRUE",
    where_params: list | None = None,
    batch_size: int = 100_000,
    on_batch: Callable[[int, int], None] | None = None,
    job_id: int | None = None,
    parallel: int = 1,
) -> Outcome:
    """Recompute the evaluations matching `where` in id batches; returns counts.

    `on_batch(fraction, changed)` runs after each batch: the share of the id range done
    (progress for the UI; counting rows per batch would double the cost of a no-op run)
    and the evaluations changed so far. `Outcome.processed` counts re-scored rows (rows
    whose inputs were unchanged are skipped before scoring).
    `parallel` > 1 spreads the batches over that many connections (committed data only).
    """
    where_params = where_params or []
    sql, expression_params = build_sql(
        template, where=f"e.id >= %s AND e.id < %s AND ({where})", template_id=template_id
    )
    req_params = [
        [r.market_id for r in requirements],
        [r.working_capital for r in requirements],
        [r.warehouse_m2 for r in requirements],
        [r.deliverable_outlets_per_week for r in requirements],
        [r.covered_outlets for r in requirements],
        [r.key_city for r in requirements],
    ]
    with connection.cursor() as cursor:
        # The table's id range from the primary key (instant); batches apply the filter.
        cursor.execute(f"SELECT min(id), max(id) FROM {EVALUATION}")  # noqa: S608
        low, high = cursor.fetchone()
    if low is None:
        return Outcome(0, 0, [])
    bounds = [(start, start + batch_size) for start in range(low, high + 1, batch_size)]
    criteria_count = len(template.criteria)

    def params_for(start: int, end: int) -> list:
        # Parameter order follows the SQL text: req arrays, batch bounds + filter,
        # criterion codes, job id.
        codes = expression_params[-criteria_count:] if criteria_count else []
        return [*req_params, start, end, *where_params, *codes, job_id]

    totals = {"processed": 0, "scanned": 0, "changed": 0}
    span = high - low + 1
    stale: list[int] = []
    lock = threading.Lock()

    def run_batches(my_bounds: list[tuple[int, int]]) -> None:
        with connection.cursor() as cursor:
            # The statement is long but cheap per row: JIT compiling it costs seconds.
            cursor.execute("SET jit = off")
            try:
                for start, end in my_bounds:
                    cursor.execute(sql, params_for(start, end))
                    batch_changed, batch_computed, batch_stale = cursor.fetchone()
                    with lock:
                        totals["processed"] += batch_computed
                        totals["scanned"] += min(end, high + 1) - start
                        totals["changed"] += batch_changed
                        stale.extend(batch_stale)
                        done, diff = totals["scanned"] / span, totals["changed"]
                    if on_batch:
                        on_batch(done, diff)
            finally:
                cursor.execute("RESET jit")

    if parallel <= 1 or len(bounds) == 1:
        run_batches(bounds)
    else:
        # Each thread has its own database connection; PostgreSQL does the work, so the
        # batches of one job use several cores (UPDATE itself never runs in parallel).
        def in_thread(part):
            try:
                run_batches(part)
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            for future in [pool.submit(in_thread, bounds[i::parallel]) for i in range(parallel)]:
                future.result()
    return Outcome(totals["processed"], totals["changed"], stale)
