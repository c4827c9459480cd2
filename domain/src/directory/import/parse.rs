//! Reading an import file: CSV records into typed rows, each row checked on its own; a bad row
//! is rejected with its line and reason, the others are kept (docs/domain.md, "Rentrée import").

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::mapping::{Column, ColumnMapping};
use crate::DomainError;
use crate::directory::events::{ImportKind, RejectedRow};

/// A pupil row (SIECLE-style).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PupilRow {
    pub line: u32,
    pub national_id: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: NaiveDate,
    pub class_code: String,
}

/// A guardian row: one link between a guardian and a pupil.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianRow {
    pub line: u32,
    pub guardian_id: String,
    pub last_name: String,
    pub first_name: String,
    pub pupil_national_id: String,
    pub relationship: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A teacher row (STS-style): one subject taught to some classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeacherRow {
    pub line: u32,
    pub teacher_id: String,
    pub last_name: String,
    pub first_name: String,
    pub subject_code: String,
    pub class_codes: Vec<String>,
}

/// The rows of a file, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rows {
    Pupils(Vec<PupilRow>),
    Guardians(Vec<GuardianRow>),
    Teachers(Vec<TeacherRow>),
}

/// A file read: its well-formed rows, the rows rejected, and how many data rows it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFile {
    pub rows: Rows,
    pub rejected: Vec<RejectedRow>,
    pub total: u32,
}

/// The longest file accepted, in data rows.
pub const MAX_ROWS: usize = 20_000;

/// Reads `text` as a file of `kind`. The separator is `;` when the header has one, else `,`.
/// A header without one of the required columns refuses the whole file (field `csv`); every
/// other fault rejects its row only.
pub fn parse_file(kind: ImportKind, mapping: &ColumnMapping, text: &str) -> Result<ParsedFile, DomainError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| DomainError::field("csv", format!("unreadable header: {e}")))?.clone();
    let mut index = BTreeMap::new();
    for &column in Column::of(kind) {
        let name = mapping.name(column);
        match headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name)) {
            Some(i) => {
                index.insert(column as u8, i);
            }
            None if column.required() => return Err(DomainError::field("csv", format!("the header has no column {name:?}"))),
            None => {}
        }
    }
    let mut rejected = Vec::new();
    let mut total = 0u32;
    let mut seen = BTreeSet::new();
    let mut rows = match kind {
        ImportKind::Pupils => Rows::Pupils(Vec::new()),
        ImportKind::Guardians => Rows::Guardians(Vec::new()),
        ImportKind::Teachers => Rows::Teachers(Vec::new()),
    };
    for record in reader.records() {
        total += 1;
        if total as usize > MAX_ROWS {
            return Err(DomainError::field("csv", format!("at most {MAX_ROWS} rows per file")));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as u32);
                rejected.push(RejectedRow { line, external_id: None, field: None, reason: format!("unreadable row: {e}") });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as u32);
        if record.iter().all(|f| f.trim().is_empty()) {
            total -= 1;
            continue;
        }
        let cell = |column: Column| -> Option<String> {
            index.get(&(column as u8)).and_then(|&i| record.get(i)).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
        };
        let row = Row { kind, mapping, line, cell: &cell };
        let outcome = match kind {
            ImportKind::Pupils => row.pupil().map(|p| (p.national_id.clone(), RowValue::Pupil(p))),
            ImportKind::Guardians => {
                row.guardian().map(|g| (format!("{}\u{0}{}", g.guardian_id, g.pupil_national_id), RowValue::Guardian(g)))
            }
            ImportKind::Teachers => row.teacher().map(|t| (format!("{}\u{0}{}", t.teacher_id, t.subject_code), RowValue::Teacher(t))),
        };
        match outcome {
            Err(r) => rejected.push(r),
            Ok((key, value)) => {
                if !seen.insert(key) {
                    rejected.push(RejectedRow {
                        line,
                        external_id: Some(value.external_id().to_string()),
                        field: Some(mapping.name(id_column(kind)).to_string()),
                        reason: "duplicate id: an earlier row has the same id".into(),
                    });
                    continue;
                }
                match (&mut rows, value) {
                    (Rows::Pupils(l), RowValue::Pupil(p)) => l.push(p),
                    (Rows::Guardians(l), RowValue::Guardian(g)) => l.push(g),
                    (Rows::Teachers(l), RowValue::Teacher(t)) => l.push(t),
                    _ => {}
                }
            }
        }
    }
    Ok(ParsedFile { rows, rejected, total })
}

/// The column of a kind's own id.
pub fn id_column(kind: ImportKind) -> Column {
    match kind {
        ImportKind::Pupils => Column::NationalId,
        ImportKind::Guardians => Column::GuardianId,
        ImportKind::Teachers => Column::TeacherId,
    }
}

enum RowValue {
    Pupil(PupilRow),
    Guardian(GuardianRow),
    Teacher(TeacherRow),
}

impl RowValue {
    fn external_id(&self) -> &str {
        match self {
            RowValue::Pupil(p) => &p.national_id,
            RowValue::Guardian(g) => &g.guardian_id,
            RowValue::Teacher(t) => &t.teacher_id,
        }
    }
}

struct Row<'a> {
    kind: ImportKind,
    mapping: &'a ColumnMapping,
    line: u32,
    cell: &'a dyn Fn(Column) -> Option<String>,
}

impl Row<'_> {
    fn reject(&self, column: Option<Column>, reason: impl Into<String>) -> RejectedRow {
        RejectedRow {
            line: self.line,
            external_id: (self.cell)(id_column(self.kind)).map(|id| id.to_ascii_uppercase()),
            field: column.map(|c| self.mapping.name(c).to_string()),
            reason: reason.into(),
        }
    }

    fn required(&self, column: Column) -> Result<String, RejectedRow> {
        (self.cell)(column).ok_or_else(|| self.reject(Some(column), format!("missing field {}", self.mapping.name(column))))
    }

    fn id(&self, column: Column) -> Result<String, RejectedRow> {
        let id = self.required(column)?;
        if id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            return Err(self.reject(Some(column), "bad id: letters, digits, `-`, `_` or `.`, at most 64"));
        }
        Ok(id.to_ascii_uppercase())
    }

    fn name(&self, column: Column) -> Result<String, RejectedRow> {
        let name = self.required(column)?;
        if name.chars().count() > 100 {
            return Err(self.reject(Some(column), "at most 100 characters"));
        }
        Ok(name)
    }

    fn pupil(&self) -> Result<PupilRow, RejectedRow> {
        let national_id = self.id(Column::NationalId)?;
        let last_name = self.name(Column::LastName)?;
        let first_name = self.name(Column::FirstName)?;
        let raw = self.required(Column::BirthDate)?;
        let birth_date =
            parse_date(&raw).ok_or_else(|| self.reject(Some(Column::BirthDate), format!("bad date {raw:?}: expected DD/MM/YYYY")))?;
        let class_code = self.required(Column::Class)?;
        Ok(PupilRow { line: self.line, national_id, last_name, first_name, birth_date, class_code })
    }

    fn guardian(&self) -> Result<GuardianRow, RejectedRow> {
        let guardian_id = self.id(Column::GuardianId)?;
        let last_name = self.name(Column::LastName)?;
        let first_name = self.name(Column::FirstName)?;
        let pupil_national_id = self.id(Column::PupilNationalId)?;
        let email = (self.cell)(Column::Email);
        if let Some(e) = &email
            && !valid_email(e)
        {
            return Err(self.reject(Some(Column::Email), format!("bad e-mail address {e:?}")));
        }
        let phone = (self.cell)(Column::Phone);
        if let Some(p) = &phone
            && !valid_phone(p)
        {
            return Err(self.reject(Some(Column::Phone), format!("bad telephone number {p:?}")));
        }
        let relationship = (self.cell)(Column::Relationship).map(|r| r.chars().take(50).collect());
        Ok(GuardianRow { line: self.line, guardian_id, last_name, first_name, pupil_national_id, relationship, email, phone })
    }

    fn teacher(&self) -> Result<TeacherRow, RejectedRow> {
        let teacher_id = self.id(Column::TeacherId)?;
        let last_name = self.name(Column::LastName)?;
        let first_name = self.name(Column::FirstName)?;
        let subject_code = self.required(Column::Subject)?;
        let raw = self.required(Column::Classes)?;
        let mut class_codes: Vec<String> = raw.split([',', '|']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect();
        class_codes.sort();
        class_codes.dedup();
        if class_codes.is_empty() {
            return Err(self.reject(Some(Column::Classes), format!("missing field {}", self.mapping.name(Column::Classes))));
        }
        Ok(TeacherRow { line: self.line, teacher_id, last_name, first_name, subject_code, class_codes })
    }
}

/// `DD/MM/YYYY` (as school systems export it) or `YYYY-MM-DD`, from 1900 on.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(raw, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(raw, "%Y-%m-%d")).ok()?;
    (date >= NaiveDate::from_ymd_opt(1900, 1, 1)?).then_some(date)
}

fn valid_email(e: &str) -> bool {
    e.len() <= 254
        && !e.chars().any(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.'))
}

fn valid_phone(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    (6..=15).contains(&digits) && p.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pupils(text: &str) -> ParsedFile {
        parse_file(ImportKind::Pupils, &ColumnMapping::default(), text).unwrap()
    }

    #[test]
    fn each_bad_row_is_rejected_with_its_line_and_reason_and_the_others_are_kept() {
        let file = "INE;NOM;PRENOM;DATE_NAISSANCE;DIVISION\n\
                    123456789AB;Martin;Léa;02/03/2014;6A\n\
                    ;Durand;Paul;02/03/2014;6A\n\
                    123456789AC;Petit;Noé;31/02/2014;6A\n\
                    123456789AB;Martin;Léo;02/03/2014;6B\n\
                    123456789AD;Roux;Inès;2014-05-06;6B\n";
        let parsed = pupils(file);
        let Rows::Pupils(rows) = &parsed.rows else { panic!("pupil rows") };
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 6]);
        assert_eq!(parsed.total, 5);
        let lines: Vec<_> = parsed.rejected.iter().map(|r| (r.line, r.reason.split(' ').next().unwrap_or(""))).collect();
        assert_eq!(lines, vec![(3, "missing"), (4, "bad"), (5, "duplicate")]);
        assert_eq!(parsed.rejected[0].field.as_deref(), Some("INE"));
        assert_eq!(parsed.rejected[1].field.as_deref(), Some("DATE_NAISSANCE"));
    }

    #[test]
    fn a_mapping_renames_columns_and_a_missing_column_refuses_the_file() {
        let mapping = ColumnMapping { national_id: Some("ine_eleve".into()), class: Some("Classe".into()), ..Default::default() };
        let file = "ine_eleve,NOM,PRENOM,DATE_NAISSANCE,Classe\n123456789AB,Martin,Léa,02/03/2014,6A\n";
        let parsed = parse_file(ImportKind::Pupils, &mapping, file).unwrap();
        assert!(matches!(&parsed.rows, Rows::Pupils(r) if r.len() == 1 && r[0].class_code == "6A"));
        let err = parse_file(ImportKind::Pupils, &ColumnMapping::default(), file).unwrap_err();
        assert!(matches!(err, DomainError::InvalidField { field, .. } if field == "csv"));
    }

    #[test]
    fn teacher_rows_list_classes_and_guardian_rows_check_contact_details() {
        let t = "ID_STS;NOM;PRENOM;MATIERE;DIVISIONS\nT1;Blanc;Ana;MATHS;6A, 6B|6A\nT1;Blanc;Ana;MATHS;5A\n";
        let parsed = parse_file(ImportKind::Teachers, &ColumnMapping::default(), t).unwrap();
        assert!(matches!(&parsed.rows, Rows::Teachers(r) if r[0].class_codes == vec!["6A", "6B"]));
        assert_eq!(parsed.rejected.len(), 1, "same teacher and subject twice");
        let g = "ID_RESPONSABLE;NOM;PRENOM;INE_ELEVE;LIEN;EMAIL;TELEPHONE\n\
                 R1;Martin;Marc;123456789AB;père;marc@example.org;06 12 34 56 78\n\
                 R2;Martin;Anne;123456789AB;mère;not-an-address;\n";
        let parsed = parse_file(ImportKind::Guardians, &ColumnMapping::default(), g).unwrap();
        assert!(matches!(&parsed.rows, Rows::Guardians(r) if r.len() == 1 && r[0].phone.is_some()));
        assert_eq!(parsed.rejected[0].field.as_deref(), Some("EMAIL"));
    }

    #[test]
    fn the_example_files_of_the_documentation_read_without_a_rejected_row() {
        let examples = [
            (ImportKind::Pupils, include_str!("../../../../docs/import/pupils.csv"), ColumnMapping::default()),
            (ImportKind::Guardians, include_str!("../../../../docs/import/guardians.csv"), ColumnMapping::default()),
            (ImportKind::Teachers, include_str!("../../../../docs/import/teachers.csv"), ColumnMapping::default()),
            (
                ImportKind::Pupils,
                include_str!("../../../../docs/import/pupils-mapped.csv"),
                serde_json::from_str(include_str!("../../../../docs/import/mapping.json")).unwrap(),
            ),
        ];
        for (kind, text, mapping) in examples {
            let parsed = parse_file(kind, &mapping, text).unwrap();
            assert!(parsed.rejected.is_empty() && parsed.total > 0, "{kind:?}: {:?}", parsed.rejected);
        }
    }
}
