//! CSV import of KPI values, the pure part: reading an uploaded file into rows and
//! checking every row. No I/O: the caller looks up the accounts and KPIs the user
//! may write to and hands them in as a [`Catalogue`]; this module says what is
//! wrong, row by row, or gives back rows ready to save.
//!
//! The format: a header `account,kpi,period,value,comment` (comment optional, any
//! order) or its French twin `compte;indicateur;période;valeur;commentaire` (case,
//! accents and surrounding spaces ignored); `,` or `;` as separator, told by the
//! header line; UTF-8 with or without a byte-order mark. Row numbers are line
//! numbers in the file, the header being line 1.

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

use chrono::NaiveDate;
use fluent_templates::fluent_bundle::FluentValue;
use rust_decimal::Decimal;

use crate::domain::{Frequency, Unit};
use crate::i18n::{Locale, format};
use crate::kpis::units;
use crate::period::{Period, PeriodError};

/// Data rows per file: a whole portfolio's history (5 000 accounts × 40 KPIs × 5
/// years), checked in a few seconds and written set-based in one transaction.
pub const MAX_ROWS: usize = 1_000_000;
/// The column's limit in the database (`kpi_values.comment`).
pub const MAX_COMMENT_CHARS: usize = 2000;
/// Problems listed on the page; the rest are counted.
pub const MAX_PROBLEMS_SHOWN: usize = 200;
/// Problems kept by [`check`]: more than shown, few enough that a file of a million
/// bad rows does not hold a million messages.
pub const MAX_PROBLEMS_KEPT: usize = 1_000;
/// Raw cells are shown back to the user cut to this many characters.
const MAX_RAW_CHARS: usize = 80;

/// The columns of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Account,
    Kpi,
    Period,
    Value,
    Comment,
}

impl Column {
    pub const ALL: [Column; 5] = [
        Column::Account,
        Column::Kpi,
        Column::Period,
        Column::Value,
        Column::Comment,
    ];

    /// The header names accepted for the column, English then French (already
    /// normalised: lower case, no accents).
    fn names(self) -> [&'static str; 2] {
        match self {
            Column::Account => ["account", "compte"],
            Column::Kpi => ["kpi", "indicateur"],
            Column::Period => ["period", "periode"],
            Column::Value => ["value", "valeur"],
            Column::Comment => ["comment", "commentaire"],
        }
    }

    /// The header name as written in a file of that language.
    pub fn header(self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::En, c) => c.names()[0],
            (Locale::Fr, Column::Period) => "période",
            (Locale::Fr, c) => c.names()[1],
        }
    }

    pub fn required(self) -> bool {
        self != Column::Comment
    }

    /// Translation key of the column's name in the problems table.
    pub fn label_key(self) -> &'static str {
        match self {
            Column::Account => "import-col-account",
            Column::Kpi => "import-col-kpi",
            Column::Period => "import-col-period",
            Column::Value => "import-col-value",
            Column::Comment => "import-col-comment",
        }
    }

    fn from_header(cell: &str) -> Option<Column> {
        let n = normalise_header(cell);
        Column::ALL
            .into_iter()
            .find(|c| c.names().contains(&n.as_str()))
    }
}

/// Lower case, trimmed, accents off: "  Période " → "periode".
fn normalise_header(cell: &str) -> String {
    cell.trim()
        .trim_start_matches('\u{FEFF}')
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

/// What makes the whole file unusable; checking stops there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Not valid UTF-8; `line` is where the first bad byte is.
    NotUtf8 {
        line: usize,
    },
    /// Nothing in it (or only blank lines).
    Empty,
    /// A header and no data row.
    NoRows,
    /// The first line is not the expected header; `found` is what it holds.
    BadHeader {
        found: Vec<String>,
    },
    TooManyRows {
        found: usize,
        limit: usize,
    },
    /// The CSV reader gave up (in practice: never, it is lenient).
    Unreadable {
        line: usize,
    },
}

impl FileProblem {
    pub fn message(&self, locale: Locale) -> String {
        match self {
            FileProblem::NotUtf8 { line } => {
                locale.t_args("import-not-utf8", &[("line", FluentValue::from(*line))])
            }
            FileProblem::Empty => locale.t("import-empty"),
            FileProblem::NoRows => locale.t("import-no-rows"),
            FileProblem::BadHeader { found } => {
                let expected_en = expected_header(Locale::En, ", ", locale);
                let expected_fr = expected_header(Locale::Fr, " ; ", locale);
                let found = if found.iter().all(|c| c.trim().is_empty()) {
                    locale.t("import-header-nothing")
                } else {
                    found
                        .iter()
                        .map(|c| format!("« {} »", cut(c.trim())))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                locale.t_args(
                    "import-bad-header",
                    &[
                        ("expected_en", FluentValue::from(expected_en)),
                        ("expected_fr", FluentValue::from(expected_fr)),
                        ("found", FluentValue::from(found)),
                    ],
                )
            }
            FileProblem::TooManyRows { found, limit } => locale.t_args(
                "import-too-many-rows",
                &[
                    (
                        "found",
                        FluentValue::from(format::number(locale, *found as f64, 0)),
                    ),
                    (
                        "limit",
                        FluentValue::from(format::number(locale, *limit as f64, 0)),
                    ),
                ],
            ),
            FileProblem::Unreadable { line } => {
                locale.t_args("import-unreadable", &[("line", FluentValue::from(*line))])
            }
        }
    }
}

/// "account, kpi, period, value, comment (optional)": the header of a file in
/// `language`, explained in `reader`'s language.
fn expected_header(language: Locale, sep: &str, reader: Locale) -> String {
    Column::ALL
        .iter()
        .map(|c| {
            if c.required() {
                c.header(language).to_owned()
            } else {
                format!("{} ({})", c.header(language), reader.t("import-optional"))
            }
        })
        .collect::<Vec<_>>()
        .join(sep)
}

/// One data row as read, cells trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// Line in the file where the row starts (header = 1).
    pub line: usize,
    pub account: String,
    pub kpi: String,
    pub period: String,
    pub value: String,
    pub comment: String,
}

impl RawRow {
    fn cell(&self, column: Column) -> &str {
        match column {
            Column::Account => &self.account,
            Column::Kpi => &self.kpi,
            Column::Period => &self.period,
            Column::Value => &self.value,
            Column::Comment => &self.comment,
        }
    }
}

/// A file read into rows, with the rows that could not even be split into cells.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub separator: char,
    pub rows: Vec<RawRow>,
    /// Rows with the wrong number of cells (kept out of `rows`).
    pub problems: Vec<Problem>,
}

impl ParsedFile {
    /// Data rows in the file, good or bad.
    pub fn row_count(&self) -> usize {
        self.rows.len() + self.problems.len()
    }

    /// The account codes the rows name, in lower case: what the caller must look up.
    pub fn account_codes(&self) -> BTreeSet<String> {
        self.rows
            .iter()
            .map(|r| r.account.to_lowercase())
            .filter(|a| !a.is_empty())
            .collect()
    }
}

/// Reads the file: encoding, separator, header, rows. Row-level checks come later
/// (see [`validate`]), except the number of cells.
pub fn parse(bytes: &[u8]) -> Result<ParsedFile, FileProblem> {
    parse_at_most(bytes, MAX_ROWS)
}

fn parse_at_most(bytes: &[u8], max_rows: usize) -> Result<ParsedFile, FileProblem> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let separator = read(bytes, max_rows, |row| match row {
        Ok(r) => rows.push(r),
        Err(p) => problems.push(p),
    })?;
    Ok(ParsedFile {
        separator,
        rows,
        problems,
    })
}

/// Reads and checks the file in one pass, without keeping the rows as read: what
/// a large upload goes through (a million rows read into [`RawRow`]s first would
/// hold the file several times over). Same outcome as [`parse`] then [`validate`],
/// except that only the first [`MAX_PROBLEMS_KEPT`] problems are kept (the others
/// counted in `more_problems`), and no row is kept once a problem was found.
pub fn check(bytes: &[u8], catalogue: &Catalogue) -> Result<Checked, FileProblem> {
    check_at_most(bytes, catalogue, MAX_ROWS)
}

fn check_at_most(
    bytes: &[u8],
    catalogue: &Catalogue,
    max_rows: usize,
) -> Result<Checked, FileProblem> {
    let mut v = Validator::new(catalogue, MAX_PROBLEMS_KEPT, false);
    let mut count = 0;
    read(bytes, max_rows, |row| {
        count += 1;
        match row {
            Ok(r) => v.row(&r),
            Err(p) => v.problem(p),
        }
    })?;
    // Rows come in file order, so their problems do too: nothing to sort.
    let mut checked = v.finish();
    checked.row_count = count;
    Ok(checked)
}

/// The file's separator; each data row (or its problem) handed to `each`, in file
/// order; at most `max_rows` of them (the rest only counted, for the message).
fn read(
    bytes: &[u8],
    max_rows: usize,
    mut each: impl FnMut(Result<RawRow, Problem>),
) -> Result<char, FileProblem> {
    let text = std::str::from_utf8(bytes).map_err(|e| FileProblem::NotUtf8 {
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count(),
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }
    let header_line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let separator = detect_separator(header_line);

    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator as u8)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // One record reused for every row: no allocation per row beyond the cells kept.
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => {}
        Ok(false) => return Err(FileProblem::Empty),
        Err(e) => return Err(unreadable(&e)),
    }
    let header_cells: Vec<String> = record.iter().map(str::to_owned).collect();
    let columns = read_header(&header_cells).ok_or_else(|| FileProblem::BadHeader {
        found: header_cells.clone(),
    })?;
    let width = columns.len();

    let mut count = 0usize;
    while reader
        .read_record(&mut record)
        .map_err(|e| unreadable(&e))?
    {
        if record.iter().all(|c| c.trim().is_empty()) {
            // Blank rows (Excel leaves ";;;;" lines behind) say nothing.
            continue;
        }
        count += 1;
        if count > max_rows {
            // Keep counting to say how many, but look at nothing more.
            continue;
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cells: Vec<&str> = record.iter().map(str::trim).collect();
        // Missing trailing cells are fine when only optional columns are missing;
        // extra cells are fine when empty (spreadsheets add trailing separators).
        let short = cells.len() < width
            && columns[cells.len()..]
                .iter()
                .any(|c| c.map(Column::required) != Some(false));
        let long = cells.len() > width && cells[width..].iter().any(|c| !c.is_empty());
        if short || long {
            each(Err(Problem {
                line,
                column: None,
                kind: ProblemKind::WrongColumnCount {
                    expected: width,
                    found: cells.len(),
                },
                raw: cut(&record
                    .iter()
                    .collect::<Vec<_>>()
                    .join(&separator.to_string())),
            }));
            continue;
        }
        // A cell with control characters never reaches a query (PostgreSQL refuses
        // NUL): the row is set aside with the first such cell named.
        if let Some((column, cell)) = columns
            .iter()
            .zip(&cells)
            .find(|(_, cell)| crate::web::input::has_forbidden(cell))
        {
            each(Err(Problem {
                line,
                column: *column,
                kind: ProblemKind::ControlCharacters,
                raw: cut(&crate::web::input::visible(cell)),
            }));
            continue;
        }
        let mut row = RawRow {
            line,
            account: String::new(),
            kpi: String::new(),
            period: String::new(),
            value: String::new(),
            comment: String::new(),
        };
        for (column, cell) in columns.iter().zip(&cells) {
            let slot = match column {
                Some(Column::Account) => &mut row.account,
                Some(Column::Kpi) => &mut row.kpi,
                Some(Column::Period) => &mut row.period,
                Some(Column::Value) => &mut row.value,
                Some(Column::Comment) => &mut row.comment,
                None => continue,
            };
            *slot = (*cell).to_owned();
        }
        each(Ok(row));
    }
    if count > max_rows {
        return Err(FileProblem::TooManyRows {
            found: count,
            limit: max_rows,
        });
    }
    if count == 0 {
        return Err(FileProblem::NoRows);
    }
    Ok(separator)
}

fn unreadable(e: &csv::Error) -> FileProblem {
    FileProblem::Unreadable {
        line: e.position().map_or(1, |p| p.line() as usize),
    }
}

/// `;` when the header line has more semicolons than commas (outside quotes),
/// else `,`.
fn detect_separator(header_line: &str) -> char {
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for c in header_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { ';' } else { ',' }
}

/// The column of each header cell (None for trailing empty cells), if the header
/// names every required column once and nothing unknown.
fn read_header(cells: &[String]) -> Option<Vec<Option<Column>>> {
    let significant = cells
        .iter()
        .rposition(|c| !c.trim().is_empty())
        .map_or(0, |i| i + 1);
    let mut columns = Vec::with_capacity(cells.len());
    let mut seen = BTreeSet::new();
    for cell in &cells[..significant] {
        let column = Column::from_header(cell)?;
        if !seen.insert(column) {
            return None;
        }
        columns.push(Some(column));
    }
    if Column::ALL
        .iter()
        .any(|c| c.required() && !seen.contains(c))
    {
        return None;
    }
    columns.resize(cells.len(), None);
    Some(columns)
}

/// What the importer may write to, looked up by the caller: only accounts the user
/// may edit, with their KPIs. Codes are matched in lower case.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    accounts: HashMap<String, AccountRef>,
    /// (account, first day of a locked month): see `locks`.
    locked: std::collections::HashSet<(i64, NaiveDate)>,
    /// KPIs that ask for a comment with a red value, and how red is decided.
    red_rules: HashMap<i64, RedRule>,
    /// Per-period targets of those KPIs: (KPI, period start) → target.
    targets: HashMap<(i64, NaiveDate), f64>,
}

/// What deciding "red" needs of a KPI (`scoring::attainment`, `scoring::rag`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RedRule {
    pub target: f64,
    pub direction: crate::domain::Direction,
    pub thresholds: crate::scoring::Thresholds,
}

#[derive(Debug, Clone)]
struct AccountRef {
    id: i64,
    kpis: HashMap<String, KpiRef>,
}

/// What checking a row needs to know of a KPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KpiRef {
    pub id: i64,
    pub unit: Unit,
    pub frequency: Frequency,
}

impl Catalogue {
    pub fn add_account(&mut self, code: &str, id: i64) {
        self.accounts.insert(
            code.to_lowercase(),
            AccountRef {
                id,
                kpis: HashMap::new(),
            },
        );
    }

    /// Records a locked month of an account: rows whose period closes in it are refused.
    pub fn add_lock(&mut self, account_id: i64, month: NaiveDate) {
        self.locked.insert((account_id, month));
    }

    /// A KPI whose red values need a comment (`comment_when_red`).
    pub fn add_red_rule(&mut self, kpi_id: i64, rule: RedRule) {
        self.red_rules.insert(kpi_id, rule);
    }

    /// A per-period target (for the red rule).
    pub fn add_target(&mut self, kpi_id: i64, period: NaiveDate, target: f64) {
        self.targets.insert((kpi_id, period), target);
    }

    /// Whether `value` is red for the KPI's rule, as the scorecard shows it.
    fn needs_comment(&self, kpi_id: i64, period: NaiveDate, value: Decimal) -> bool {
        let Some(rule) = self.red_rules.get(&kpi_id) else {
            return false;
        };
        let target = self
            .targets
            .get(&(kpi_id, period))
            .copied()
            .unwrap_or(rule.target);
        let v: f64 = value.to_string().parse().unwrap_or(0.0);
        crate::scoring::attainment(v, target, rule.direction)
            .is_some_and(|a| crate::scoring::rag(a, rule.thresholds) == crate::scoring::Rag::Red)
    }

    /// Adds a KPI to an account added before (ignored otherwise).
    pub fn add_kpi(&mut self, account_code: &str, kpi_code: &str, kpi: KpiRef) {
        if let Some(a) = self.accounts.get_mut(&account_code.to_lowercase()) {
            a.kpis.insert(kpi_code.to_lowercase(), kpi);
        }
    }
}

/// A row that passed every check, ready for `values::save`.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRow {
    pub line: usize,
    pub account_id: i64,
    pub kpi_id: i64,
    pub period: NaiveDate,
    pub value: Decimal,
    pub comment: String,
}

/// What is wrong with a row, where.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub column: Option<Column>,
    pub kind: ProblemKind,
    /// The cell (or the line) as read, cut short.
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    WrongColumnCount {
        expected: usize,
        found: usize,
    },
    /// A required cell is empty.
    Missing,
    /// Unknown, or one the user may not edit: the same words, so that codes reveal nothing.
    UnknownAccount,
    UnknownKpi {
        account: String,
    },
    BadPeriod {
        frequency: Frequency,
        wrong_frequency: bool,
    },
    NotANumber,
    OutOfRange {
        min: f64,
        max: f64,
    },
    NotWhole,
    CommentTooLong {
        length: usize,
    },
    /// The same account, KPI and period as an earlier row.
    Duplicate {
        first_line: usize,
    },
    /// NUL, another control character or a text-direction override.
    ControlCharacters,
    /// The period closes in a month locked for this account (first day of it).
    Locked {
        month: NaiveDate,
    },
    /// A red value without the comment its KPI asks for.
    CommentRequired,
}

impl Problem {
    fn new(line: usize, column: Column, kind: ProblemKind, raw: &str) -> Self {
        Self {
            line,
            column: Some(column),
            kind,
            raw: cut(raw),
        }
    }

    pub fn message(&self, locale: Locale) -> String {
        let n = |v: f64| FluentValue::from(format::number(locale, v, 2));
        match &self.kind {
            ProblemKind::WrongColumnCount { expected, found } => locale.t_args(
                "import-wrong-column-count",
                &[
                    ("expected", FluentValue::from(*expected)),
                    ("found", FluentValue::from(*found)),
                ],
            ),
            ProblemKind::Missing => locale.t("import-missing"),
            ProblemKind::UnknownAccount => locale.t("import-unknown-account"),
            ProblemKind::UnknownKpi { account } => locale.t_args(
                "import-unknown-kpi",
                &[("account", FluentValue::from(account.clone()))],
            ),
            ProblemKind::BadPeriod {
                frequency,
                wrong_frequency,
            } => locale.t_args(
                if *wrong_frequency {
                    "import-period-wrong-frequency"
                } else {
                    "import-period-invalid"
                },
                &[("frequency", FluentValue::from(frequency.code()))],
            ),
            ProblemKind::NotANumber => locale.t("import-not-a-number"),
            ProblemKind::OutOfRange { min, max } => {
                locale.t_args("import-out-of-range", &[("min", n(*min)), ("max", n(*max))])
            }
            ProblemKind::NotWhole => locale.t("import-not-whole"),
            ProblemKind::CommentTooLong { length } => locale.t_args(
                "import-comment-too-long",
                &[
                    (
                        "length",
                        FluentValue::from(format::number(locale, *length as f64, 0)),
                    ),
                    (
                        "max",
                        FluentValue::from(format::number(locale, MAX_COMMENT_CHARS as f64, 0)),
                    ),
                ],
            ),
            ProblemKind::ControlCharacters => locale.t("import-control-characters"),
            ProblemKind::Locked { month } => locale.t_args(
                "import-period-locked",
                &[(
                    "month",
                    FluentValue::from(Period::containing(Frequency::Monthly, *month).label(locale)),
                )],
            ),
            ProblemKind::CommentRequired => locale.t_args(
                "import-comment-required",
                &[("row", FluentValue::from(self.line))],
            ),
            ProblemKind::Duplicate { first_line } => locale.t_args(
                "import-duplicate",
                &[("first", FluentValue::from(*first_line))],
            ),
        }
    }
}

/// The outcome of checking: rows to save if there is no problem.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub rows: Vec<ValidRow>,
    /// The problems of the rows, in file order (the first [`MAX_PROBLEMS_KEPT`] with
    /// [`check`], every one with [`validate`]).
    pub problems: Vec<Problem>,
    /// Problems found but not kept.
    pub more_problems: usize,
    /// Data rows in the file, good or bad.
    pub row_count: usize,
}

impl Checked {
    /// Problems found, kept or not.
    pub fn problem_count(&self) -> usize {
        self.problems.len() + self.more_problems
    }
}

/// Checks every row against the catalogue and against each other. All problems
/// of all rows are collected; rows are only worth saving if there are none.
pub fn validate(file: &ParsedFile, catalogue: &Catalogue) -> Checked {
    let mut v = Validator::new(catalogue, usize::MAX, true);
    for p in &file.problems {
        v.problem(p.clone());
    }
    for row in &file.rows {
        v.row(row);
    }
    let mut checked = v.finish();
    checked.row_count = file.row_count();
    // Rows with the wrong number of cells were found first; show everything in file order.
    checked.problems.sort_by_key(|p| p.line);
    checked
}

/// Checks rows one at a time, remembering what duplicates need.
struct Validator<'c> {
    catalogue: &'c Catalogue,
    /// (KPI, period start) → first line that had it.
    seen: HashMap<(i64, NaiveDate), usize>,
    /// Problems kept (the rest counted).
    keep: usize,
    /// Good rows kept even after a problem elsewhere (`validate`, which reports them).
    all_rows: bool,
    out: Checked,
}

impl<'c> Validator<'c> {
    fn new(catalogue: &'c Catalogue, keep: usize, all_rows: bool) -> Self {
        Self {
            catalogue,
            seen: HashMap::new(),
            keep,
            all_rows,
            out: Checked::default(),
        }
    }

    fn problem(&mut self, p: Problem) {
        if self.out.problems.len() < self.keep {
            self.out.problems.push(p);
        } else {
            self.out.more_problems += 1;
        }
    }

    fn finish(self) -> Checked {
        self.out
    }

    fn row(&mut self, row: &RawRow) {
        let catalogue = self.catalogue;
        let mut found: Vec<Problem> = Vec::new();
        let mut problem = |column: Column, kind: ProblemKind| {
            found.push(Problem::new(row.line, column, kind, row.cell(column)));
        };
        for column in Column::ALL {
            if column.required() && row.cell(column).is_empty() {
                problem(column, ProblemKind::Missing);
            }
        }

        let account = (!row.account.is_empty())
            .then(|| catalogue.accounts.get(&row.account.to_lowercase()))
            .flatten();
        if account.is_none() && !row.account.is_empty() {
            problem(Column::Account, ProblemKind::UnknownAccount);
        }
        let kpi = match account {
            Some(a) if !row.kpi.is_empty() => {
                let k = a.kpis.get(&row.kpi.to_lowercase()).copied();
                if k.is_none() {
                    problem(
                        Column::Kpi,
                        ProblemKind::UnknownKpi {
                            account: row.account.clone(),
                        },
                    );
                }
                k
            }
            _ => None,
        };

        let period = match kpi {
            Some(k) if !row.period.is_empty() => match Period::parse(k.frequency, &row.period) {
                Ok(p)
                    if account.is_some_and(|a| {
                        self.catalogue.locked.contains(&(a.id, p.closing_month()))
                    }) =>
                {
                    problem(
                        Column::Period,
                        ProblemKind::Locked {
                            month: p.closing_month(),
                        },
                    );
                    None
                }
                Ok(p) => Some(p.start),
                Err(e) => {
                    problem(
                        Column::Period,
                        ProblemKind::BadPeriod {
                            frequency: k.frequency,
                            wrong_frequency: matches!(e, PeriodError::WrongFrequency),
                        },
                    );
                    None
                }
            },
            _ => None,
        };

        let value = if row.value.is_empty() {
            None
        } else {
            match format::parse_number(&row.value) {
                None => {
                    problem(Column::Value, ProblemKind::NotANumber);
                    None
                }
                Some(v) => match kpi.map(|k| (k.unit, units::check(k.unit, v))) {
                    Some((_, Err("value-whole-number"))) => {
                        problem(Column::Value, ProblemKind::NotWhole);
                        None
                    }
                    Some((unit, Err(_))) => {
                        let (min, max) = units::range(unit);
                        problem(Column::Value, ProblemKind::OutOfRange { min, max });
                        None
                    }
                    _ => match to_decimal(v) {
                        Some(d) => Some(d),
                        None => {
                            problem(Column::Value, ProblemKind::NotANumber);
                            None
                        }
                    },
                },
            }
        };

        let length = row.comment.chars().count();
        if length > MAX_COMMENT_CHARS {
            problem(Column::Comment, ProblemKind::CommentTooLong { length });
        }
        if let (Some(k), Some(p), Some(v)) = (kpi, period, value)
            && row.comment.trim().is_empty()
            && catalogue.needs_comment(k.id, p, v)
        {
            problem(Column::Comment, ProblemKind::CommentRequired);
        }

        if let (Some(a), Some(k), Some(p)) = (account, kpi, period) {
            if let Some(first) = self.seen.get(&(k.id, p)) {
                found.push(Problem {
                    line: row.line,
                    column: Some(Column::Period),
                    kind: ProblemKind::Duplicate { first_line: *first },
                    raw: cut(&format!("{} / {} / {}", row.account, row.kpi, row.period)),
                });
            } else {
                self.seen.insert((k.id, p), row.line);
            }
            // Once the file has a problem nothing will be saved: `check` keeps no
            // more rows then.
            if found.is_empty()
                && (self.all_rows || self.out.problem_count() == 0)
                && let Some(value) = value
            {
                self.out.rows.push(ValidRow {
                    line: row.line,
                    account_id: a.id,
                    kpi_id: k.id,
                    period: p,
                    value,
                    comment: row.comment.clone(),
                });
            }
        }
        for p in found {
            self.problem(p);
        }
    }
}

/// Through the shortest decimal that reads back as the same number: 0.1 stays 0.1.
fn to_decimal(v: f64) -> Option<Decimal> {
    Decimal::from_str(&v.to_string()).ok()
}

/// A cell as shown back to the user: at most `MAX_RAW_CHARS` characters.
fn cut(s: &str) -> String {
    if s.chars().count() <= MAX_RAW_CHARS {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX_RAW_CHARS - 1).collect();
        out.push('…');
        out
    }
}

/// An empty file to fill in, in the user's language: French files use `;`, as
/// French Excel does.
pub fn template(locale: Locale) -> Vec<u8> {
    let sep = separator_for(locale);
    let mut out = Vec::from(b"\xEF\xBB\xBF".as_slice());
    let header: Vec<&str> = Column::ALL.iter().map(|c| c.header(locale)).collect();
    out.extend_from_slice(header.join(&sep.to_string()).as_bytes());
    out.extend_from_slice(b"\r\n");
    out
}

/// The example shown on the page, in the user's language.
pub fn example(locale: Locale) -> String {
    let sep = separator_for(locale).to_string();
    let header: Vec<&str> = Column::ALL.iter().map(|c| c.header(locale)).collect();
    let rows: [[&str; 5]; 3] = match locale {
        Locale::Fr => [
            [
                "lumiere-retail",
                "revenue",
                "2026-09",
                "1 250 000",
                "Clôture de septembre",
            ],
            ["lumiere-retail", "otif", "2026-09", "96,5", ""],
            [
                "lumiere-retail",
                "nps",
                "2026-Q3",
                "32",
                "Enquête trimestrielle",
            ],
        ],
        Locale::En => [
            [
                "lumiere-retail",
                "revenue",
                "2026-09",
                "1250000",
                "September close",
            ],
            ["lumiere-retail", "otif", "2026-09", "96.5", ""],
            ["lumiere-retail", "nps", "2026-Q3", "32", "Quarterly survey"],
        ],
    };
    let mut out = header.join(&sep);
    for r in rows {
        out.push('\n');
        out.push_str(&r.join(&sep));
    }
    out
}

fn separator_for(locale: Locale) -> char {
    match locale {
        Locale::Fr => ';',
        Locale::En => ',',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> ParsedFile {
        parse(text.as_bytes()).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn catalogue() -> Catalogue {
        let mut c = Catalogue::default();
        c.add_account("lumiere-retail", 1);
        c.add_kpi(
            "lumiere-retail",
            "revenue",
            KpiRef {
                id: 10,
                unit: Unit::Eur,
                frequency: Frequency::Monthly,
            },
        );
        c.add_kpi(
            "lumiere-retail",
            "nps",
            KpiRef {
                id: 11,
                unit: Unit::Points,
                frequency: Frequency::Quarterly,
            },
        );
        c.add_kpi(
            "lumiere-retail",
            "orders",
            KpiRef {
                id: 12,
                unit: Unit::Count,
                frequency: Frequency::Yearly,
            },
        );
        c
    }

    fn check(text: &str) -> Checked {
        validate(&parsed(text), &catalogue())
    }

    fn kinds(c: &Checked) -> Vec<(usize, Option<Column>, ProblemKind)> {
        c.problems
            .iter()
            .map(|p| (p.line, p.column, p.kind.clone()))
            .collect()
    }

    fn date(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 1).unwrap()
    }

    #[test]
    fn english_header_with_commas() {
        let f =
            parsed("account,kpi,period,value,comment\nlumiere-retail,revenue,2026-09,12.5,ok\n");
        assert_eq!(f.separator, ',');
        assert_eq!(
            f.rows,
            vec![RawRow {
                line: 2,
                account: "lumiere-retail".into(),
                kpi: "revenue".into(),
                period: "2026-09".into(),
                value: "12.5".into(),
                comment: "ok".into(),
            }]
        );
    }

    #[test]
    fn french_header_with_semicolons_accents_and_case_ignored() {
        for header in [
            "compte;indicateur;période;valeur;commentaire",
            " Compte ; INDICATEUR ; Periode ; Valeur ; Commentaire ",
            "COMPTE;Indicateur;PÉRIODE;valeur;commentaire",
        ] {
            let f = parsed(&format!("{header}\nlumiere-retail;revenue;2026-09;12,5;\n"));
            assert_eq!(f.separator, ';', "{header}");
            assert_eq!(f.rows[0].value, "12,5");
            assert_eq!(f.rows[0].period, "2026-09");
        }
        let c = check("compte;indicateur;période;valeur\nlumiere-retail;revenue;2026-09;12,5\n");
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.rows[0].value, Decimal::from_str("12.5").unwrap());
    }

    #[test]
    fn columns_in_any_order_comment_optional() {
        let c = check("value,period,kpi,account\n7,2026-09,revenue,lumiere-retail\n");
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.rows[0].kpi_id, 10);
        assert_eq!(c.rows[0].period, date(2026, 9));
        assert_eq!(c.rows[0].comment, "");
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(
            "compte;indicateur;période;valeur\nlumiere-retail;nps;2026-Q3;32\n".as_bytes(),
        );
        let f = parse(&bytes).unwrap();
        assert_eq!(f.separator, ';');
        assert_eq!(f.rows[0].account, "lumiere-retail");
        assert_eq!(f.rows[0].line, 2);
    }

    #[test]
    fn quoted_cells_keep_separators_quotes_and_newlines() {
        let text = "account,kpi,period,value,comment\n\
                    lumiere-retail,revenue,2026-09,\"1,234.5\",\"Up, thanks to \"\"Noël\"\"\nsecond line\"\n\
                    lumiere-retail,revenue,2026-10,\"12,5\",\n";
        let f = parsed(text);
        assert_eq!(f.rows.len(), 2);
        assert_eq!(f.rows[0].value, "1,234.5");
        assert_eq!(f.rows[0].comment, "Up, thanks to \"Noël\"\nsecond line");
        // The second row starts on line 4: the quoted newline counts as a line.
        assert_eq!(f.rows[1].line, 4);
        let c = validate(&f, &catalogue());
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.rows[0].value, Decimal::from_str("1234.5").unwrap());
        assert_eq!(c.rows[1].value, Decimal::from_str("12.5").unwrap());
        // A quoted header cell with the other separator does not fool the detection.
        assert_eq!(detect_separator("\"a,b,c\";d"), ';');
        assert_eq!(detect_separator("account,kpi,period;x,value"), ',');
    }

    #[test]
    fn rows_are_numbered_by_line_in_the_file() {
        let text = "account;kpi;period;value\n\
                    lumiere-retail;revenue;2026-09;1\n\
                    \n\
                    ;;;\n\
                    lumiere-retail;revenue;2026-13;2\n";
        let c = check(text);
        assert_eq!(
            kinds(&c),
            vec![(
                5,
                Some(Column::Period),
                ProblemKind::BadPeriod {
                    frequency: Frequency::Monthly,
                    wrong_frequency: false
                }
            )]
        );
        assert_eq!(c.rows.len(), 1);
        assert_eq!(c.rows[0].line, 2);
    }

    #[test]
    fn every_problem_of_every_row_is_collected() {
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        let text = format!(
            "account,kpi,period,value,comment\n\
             nowhere,revenue,2026-09,1,\n\
             lumiere-retail,turnover,2026-09,1,\n\
             lumiere-retail,nps,2026-09,1,\n\
             lumiere-retail,revenue,2026-09,douze,\n\
             lumiere-retail,nps,2026-Q3,140,\n\
             lumiere-retail,orders,2026,3.5,\n\
             lumiere-retail,revenue,2026-10,1,{long}\n\
             lumiere-retail,revenue,2026-11\n\
             ,,2026-09,,\n\
             LUMIERE-RETAIL,REVENUE,2026-12,5,\n"
        );
        let c = check(&text);
        assert_eq!(
            kinds(&c),
            vec![
                (2, Some(Column::Account), ProblemKind::UnknownAccount),
                (
                    3,
                    Some(Column::Kpi),
                    ProblemKind::UnknownKpi {
                        account: "lumiere-retail".into()
                    }
                ),
                (
                    4,
                    Some(Column::Period),
                    ProblemKind::BadPeriod {
                        frequency: Frequency::Quarterly,
                        wrong_frequency: true
                    }
                ),
                (5, Some(Column::Value), ProblemKind::NotANumber),
                (
                    6,
                    Some(Column::Value),
                    ProblemKind::OutOfRange {
                        min: -100.0,
                        max: 100.0
                    }
                ),
                (7, Some(Column::Value), ProblemKind::NotWhole),
                (
                    8,
                    Some(Column::Comment),
                    ProblemKind::CommentTooLong {
                        length: MAX_COMMENT_CHARS + 1
                    }
                ),
                (
                    9,
                    None,
                    ProblemKind::WrongColumnCount {
                        expected: 5,
                        found: 3
                    }
                ),
                (10, Some(Column::Account), ProblemKind::Missing),
                (10, Some(Column::Kpi), ProblemKind::Missing),
                (10, Some(Column::Value), ProblemKind::Missing),
            ]
        );
        assert_eq!(c.problems[4].raw, "140");
        assert!(c.problems[6].raw.chars().count() <= MAX_RAW_CHARS);
        // Codes match whatever their case; only the good row is ready.
        assert_eq!(c.rows.len(), 1);
        assert_eq!(c.rows[0].line, 11);
    }

    #[test]
    fn the_same_kpi_and_period_twice_is_refused() {
        // "2026-09" and " 2026-09 " are the same period; another KPI is not a duplicate.
        let c = check(
            "account,kpi,period,value\n\
             lumiere-retail,revenue,2026-09,1\n\
             lumiere-retail,nps,2026-Q3,1\n\
             lumiere-retail,revenue, 2026-09 ,2\n\
             lumiere-retail,revenue,2026-10,2\n",
        );
        assert_eq!(
            kinds(&c),
            vec![(
                4,
                Some(Column::Period),
                ProblemKind::Duplicate { first_line: 2 }
            )]
        );
    }

    #[test]
    fn wrong_number_of_cells() {
        let c = check(
            "account,kpi,period,value,comment\n\
             lumiere-retail,revenue,2026-09,1\n\
             lumiere-retail,revenue,2026-10,1,,\n\
             lumiere-retail,revenue,2026-11,1,a,b\n\
             lumiere-retail,revenue\n",
        );
        // A missing optional comment and empty extra cells are tolerated.
        assert_eq!(c.rows.len(), 2);
        assert_eq!(
            kinds(&c),
            vec![
                (
                    4,
                    None,
                    ProblemKind::WrongColumnCount {
                        expected: 5,
                        found: 6
                    }
                ),
                (
                    5,
                    None,
                    ProblemKind::WrongColumnCount {
                        expected: 5,
                        found: 2
                    }
                ),
            ]
        );
        assert_eq!(c.problems[1].raw, "lumiere-retail,revenue");
    }

    #[test]
    fn file_level_problems() {
        assert_eq!(parse(b"").unwrap_err(), FileProblem::Empty);
        assert_eq!(parse(b"\xEF\xBB\xBF\n \n").unwrap_err(), FileProblem::Empty);
        assert_eq!(
            parse(b"account,kpi,period,value\n\n").unwrap_err(),
            FileProblem::NoRows
        );
        assert_eq!(
            parse(b"account,kpi,period,value\nlumi\xE8re,kpi,2026,1\n").unwrap_err(),
            FileProblem::NotUtf8 { line: 2 }
        );
        assert_eq!(
            parse(b"compte;indicateur;valeur\nx;y;1\n").unwrap_err(),
            FileProblem::BadHeader {
                found: vec!["compte".into(), "indicateur".into(), "valeur".into()]
            }
        );
        // Unknown and repeated columns are refused too.
        assert!(matches!(
            parse(b"account,kpi,period,value,notes\n").unwrap_err(),
            FileProblem::BadHeader { .. }
        ));
        assert!(matches!(
            parse(b"account,kpi,period,value,value\n").unwrap_err(),
            FileProblem::BadHeader { .. }
        ));
        // Trailing empty header cells are not columns.
        assert!(parse(b"account;kpi;period;value;;\nlumiere-retail;revenue;2026-09;1;;\n").is_ok());
    }

    #[test]
    fn at_most_max_rows() {
        // The real limit is a million: the same code with a limit of 50.
        let mut text = String::from("account,kpi,period,value\n");
        for _ in 0..50 {
            text.push_str("lumiere-retail,revenue,2026-09,1\n");
        }
        let f = parse_at_most(text.as_bytes(), 50).unwrap();
        assert_eq!(f.row_count(), 50);
        text.push_str("lumiere-retail,revenue,2026-09,1\n");
        let too_many = FileProblem::TooManyRows {
            found: 51,
            limit: 50,
        };
        assert_eq!(parse_at_most(text.as_bytes(), 50).unwrap_err(), too_many);
        assert_eq!(
            check_at_most(text.as_bytes(), &catalogue(), 50).unwrap_err(),
            too_many
        );
        const { assert!(MAX_ROWS >= 1_000_000) };
    }

    #[test]
    fn checking_in_one_pass_finds_what_parse_then_validate_finds() {
        let long = "x".repeat(MAX_COMMENT_CHARS + 1);
        let bad = format!(
            "account,kpi,period,value,comment\n\
             nowhere,revenue,2026-09,1,\n\
             lumiere-retail,revenue,2026-09,1,\n\
             lumiere-retail,revenue,2026-10,1,{long}\n\
             lumiere-retail,revenue,2026-11\n\
             lumiere-retail,revenue,2026-09,2,\n\
             lumiere-retail,nps,2026-Q3,12,ok\n"
        );
        let good = "account,kpi,period,value,comment\n\
                    lumiere-retail,revenue,2026-09,1,a\n\
                    lumiere-retail,nps,2026-Q3,\"12,5\",\n";
        for text in [bad.as_str(), good] {
            let one_pass = super::check(text.as_bytes(), &catalogue()).unwrap();
            let two = validate(&parsed(text), &catalogue());
            assert_eq!(one_pass.problems, two.problems);
            assert_eq!(one_pass.more_problems, 0);
            assert_eq!(one_pass.row_count, two.row_count);
            if two.problems.is_empty() {
                assert_eq!(one_pass.rows, two.rows);
            } else {
                // Nothing of a file with problems is saved: no row kept after the first.
                assert!(one_pass.rows.len() < two.rows.len());
            }
        }
        // A file of many bad rows keeps the first problems and counts the others.
        let mut many = String::from("account,kpi,period,value\n");
        for _ in 0..MAX_PROBLEMS_KEPT + 5 {
            many.push_str("nowhere,revenue,2026-09,1\n");
        }
        let c = super::check(many.as_bytes(), &catalogue()).unwrap();
        assert_eq!(c.problems.len(), MAX_PROBLEMS_KEPT);
        assert_eq!(c.problem_count(), MAX_PROBLEMS_KEPT + 5);
        assert!(c.rows.is_empty());
    }

    #[test]
    fn account_codes_to_look_up() {
        let f = parsed("account,kpi,period,value\nB,x,1,1\na,x,1,1\nb,y,1,1\n,x,1,1\n");
        assert_eq!(
            f.account_codes().into_iter().collect::<Vec<_>>(),
            vec!["a".to_owned(), "b".to_owned()]
        );
    }

    #[test]
    fn messages_exist_in_both_languages() {
        let problems = [
            ProblemKind::WrongColumnCount {
                expected: 5,
                found: 4,
            },
            ProblemKind::Missing,
            ProblemKind::UnknownAccount,
            ProblemKind::UnknownKpi {
                account: "x".into(),
            },
            ProblemKind::BadPeriod {
                frequency: Frequency::Monthly,
                wrong_frequency: false,
            },
            ProblemKind::BadPeriod {
                frequency: Frequency::Quarterly,
                wrong_frequency: true,
            },
            ProblemKind::NotANumber,
            ProblemKind::OutOfRange {
                min: -100.0,
                max: 100.0,
            },
            ProblemKind::NotWhole,
            ProblemKind::CommentTooLong { length: 2001 },
            ProblemKind::Duplicate { first_line: 2 },
        ];
        for locale in Locale::ALL {
            for kind in &problems {
                let p = Problem {
                    line: 3,
                    column: None,
                    kind: kind.clone(),
                    raw: String::new(),
                };
                let m = p.message(locale);
                assert!(!m.starts_with("import-"), "{locale}: {m}");
            }
            for fp in [
                FileProblem::NotUtf8 { line: 1 },
                FileProblem::Empty,
                FileProblem::NoRows,
                FileProblem::BadHeader { found: vec![] },
                FileProblem::TooManyRows {
                    found: 20_001,
                    limit: 20_000,
                },
                FileProblem::Unreadable { line: 1 },
            ] {
                let m = fp.message(locale);
                assert!(!m.starts_with("import-"), "{locale}: {m}");
            }
            for c in Column::ALL {
                assert!(locale.has(c.label_key()));
            }
        }
        assert!(
            FileProblem::TooManyRows {
                found: 20_001,
                limit: 20_000
            }
            .message(Locale::Fr)
            .contains("20\u{202F}000")
        );
        let m = ProblemKind::BadPeriod {
            frequency: Frequency::Quarterly,
            wrong_frequency: true,
        };
        let p = Problem {
            line: 1,
            column: None,
            kind: m,
            raw: String::new(),
        };
        assert!(p.message(Locale::En).contains("2026-Q3"));
    }

    #[test]
    fn the_template_and_example_read_back() {
        for locale in Locale::ALL {
            let t = template(locale);
            assert!(matches!(parse(&t).unwrap_err(), FileProblem::NoRows));
            let e = example(locale);
            let f = parsed(&e);
            assert_eq!(f.rows.len(), 3);
            assert!(f.problems.is_empty());
        }
    }
}
