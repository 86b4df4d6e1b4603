## CSV import of KPI values (src/values/import.rs, csv_import.rs)
import-title = Import values (CSV)
import-link = Import values (CSV)
import-intro = Load many KPI values at once from a spreadsheet saved as CSV. The whole file is checked first: if any row has a problem, nothing is imported and every problem is listed with its row number.
import-file-label = CSV file
import-file-hint = UTF-8, separated by commas or semicolons; 1,000,000 rows and 128 MB at most.
import-submit = Check and import
import-format-title = Expected format
import-format-header = The first line names the columns, in English or in French, in any order:
import-format-account = the account’s code (for example lumiere-retail), shown next to its name in the list of accounts;
import-format-kpi = the KPI’s code on that account (see the list below);
import-format-period = the period, written for the KPI’s frequency: 2026-09 (monthly), 2026-Q3 (quarterly), 2026 (yearly);
import-format-value = the value: 12.5 or 12,5; spaces between thousands are fine;
import-format-comment = optional: a comment of at most 2,000 characters.
import-format-encoding = In Excel, save as “CSV UTF-8”. A value already stored for the same KPI and period is replaced; its history keeps the previous one.
import-example-title = Example
import-template-download = Download an empty template
import-codes-title = Accounts you may import into, and their KPI codes
import-codes-empty = There is no account you may import values into.
import-codes-caption = KPI codes of the accounts you may import into
import-codes-col-kpi = KPI
import-codes-col-code = Code
import-codes-col-frequency = Frequency
import-codes-no-kpi = No KPI yet.
import-frequency-monthly = monthly
import-frequency-quarterly = quarterly
import-frequency-yearly = yearly
import-done = { $file }: { $created_text } { $created ->
        [one] value added
       *[other] values added
    }, { $updated_text } updated, { $unchanged_text } unchanged.
import-failed-title = Nothing was imported
import-problems-summary = { $count ->
        [one] One problem was found
       *[other] { $count_text } problems were found
    } in “{ $file }” ({ $rows } rows). Fix the file, then upload it again.
import-file-again = File: “{ $file }”. Fix it, then upload it again.
import-problems-caption = Problems found in the file
import-problems-more = … and { $count ->
        [one] one more problem.
       *[other] { $count_text } more problems.
    }
import-col-line = Row
import-col-column = Column
import-col-problem = Problem
import-col-raw = Value read
import-col-account = account
import-col-kpi = kpi
import-col-period = period
import-col-value = value
import-col-comment = comment
import-optional = optional
import-no-file = Choose a CSV file to import.
import-too-large = The file is too large: 128 MB at most. Split it into several files.
import-upload-failed = The file could not be received. Please try again.
import-conflict = A value was saved by someone else during the import. Nothing was imported: upload the file again.
import-not-utf8 = The file is not UTF-8 (first unreadable character on line { $line }): in Excel, choose “CSV UTF-8” when saving.
import-empty = The file is empty.
import-no-rows = The file has a header line but no values.
import-header-nothing = nothing
import-bad-header = The first line must name the columns { $expected_en } (or in French: { $expected_fr }). Found: { $found }.
import-too-many-rows = The file has { $found } rows: at most { $limit } can be imported at once. Split it into several files.
import-unreadable = The file could not be read as CSV (line { $line }).
import-wrong-column-count = { $expected } cells expected, { $found } found.
import-missing = This cell is empty.
import-unknown-account = Unknown account, or no access to it.
import-unknown-kpi = The account { $account } has no KPI with this code.
import-period-invalid = Not a valid period. { $frequency ->
        [monthly] This KPI is monthly: write YYYY-MM, for example 2026-09.
        [quarterly] This KPI is quarterly: write YYYY-Qn, for example 2026-Q3.
       *[yearly] This KPI is yearly: write YYYY, for example 2026.
    }
import-period-wrong-frequency = This period does not match the KPI’s frequency. { $frequency ->
        [monthly] This KPI is monthly: write YYYY-MM, for example 2026-09.
        [quarterly] This KPI is quarterly: write YYYY-Qn, for example 2026-Q3.
       *[yearly] This KPI is yearly: write YYYY, for example 2026.
    }
import-not-a-number = Not a number: write for example 12.5 or 12,5.
import-out-of-range = Out of range for this KPI’s unit: between { $min } and { $max }.
import-not-whole = This KPI counts things: a whole number is expected.
import-comment-too-long = Comment too long: { $length } characters, { $max } at most.
import-duplicate = Same account, KPI and period as row { $first }.

## Input hardening
import-control-characters = This cell contains invisible control characters (such as a NUL byte or a text-direction override); remove them.

## Import runs (src/values/import/runs.rs)
import-run-title = Import of “{ $file }”
import-run-running = The file was checked: its values are being saved. This page refreshes itself every 2 seconds; you may leave it, the import goes on.
import-run-progress-label = Progress
import-run-progress = { $done } of { $total } rows saved ({ $percent } %).
import-run-interrupted = The import was interrupted (the server restarted): nothing of it was saved. Upload the file again.
import-run-again = Import another file
import-failed = The import failed: nothing was saved. Upload the file again.
