//! CSV downloads. Every table offers one, built from the same query as the page so
//! it never shows more than the viewer may see.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

pub struct Csv {
    writer: csv::Writer<Vec<u8>>,
}

impl Csv {
    pub fn new(headers: &[String]) -> Result<Self, AppError> {
        // A UTF-8 byte-order mark so that Excel opens accented names correctly.
        let mut buf = Vec::from(b"\xEF\xBB\xBF".as_slice());
        buf.reserve(4096);
        let mut writer = csv::Writer::from_writer(buf);
        writer.write_record(headers).map_err(AppError::internal)?;
        Ok(Self { writer })
    }

    pub fn row(&mut self, cells: &[String]) -> Result<(), AppError> {
        // Cells starting with = + - @ would run as formulas in a spreadsheet.
        let safe: Vec<String> = cells.iter().map(|c| defuse(c)).collect();
        self.writer.write_record(&safe).map_err(AppError::internal)
    }

    pub fn finish(self, filename: &str) -> Result<CsvResponse, AppError> {
        let body = self
            .writer
            .into_inner()
            .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
        Ok(CsvResponse {
            body,
            filename: filename.to_owned(),
        })
    }
}

fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => format!("'{cell}"),
        // A minus sign is a formula unless it starts a plain number.
        Some('-') if cell[1..].parse::<f64>().is_err() => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

pub struct CsvResponse {
    body: Vec<u8>,
    filename: String,
}

impl IntoResponse for CsvResponse {
    fn into_response(self) -> Response {
        let mut r = self.body.into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", self.filename))
        {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formulas_are_defused_numbers_are_not() {
        assert_eq!(defuse("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(defuse("-12.5"), "-12.5");
        assert_eq!(defuse("-cmd"), "'-cmd");
        assert_eq!(defuse("Lumière"), "Lumière");
    }
}
