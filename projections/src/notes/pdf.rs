//! A printable bulletin (A4 PDF, built-in Helvetica in WinAnsi encoding so French accents print).

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use super::models::{Bulletin, SubjectLine};

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 40.0;
const FONT: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Encodes text in WinAnsi (Windows-1252); characters outside it print as `?`.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            'Œ' => 0x8C,
            'œ' => 0x9C,
            '\u{202f}' => b' ',
            _ => b'?',
        })
        .collect()
}

/// Breaks `text` into lines of at most `width` characters, on spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn avg(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |v| format!("{v:.2}").replace('.', ","))
}

/// Pages being laid out, top to bottom.
struct Layout {
    pages: Vec<Content>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Self { pages: vec![Content::new()], y: HEIGHT - MARGIN }
    }

    fn content(&mut self) -> &mut Content {
        self.pages.last_mut().expect("at least one page")
    }

    /// Makes room for `height` points, starting a new page when needed.
    fn need(&mut self, height: f32) {
        if self.y - height < MARGIN {
            self.pages.push(Content::new());
            self.y = HEIGHT - MARGIN;
        }
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let y = self.y;
        let bytes = win_ansi(text);
        let c = self.content();
        c.begin_text();
        c.set_font(if bold { BOLD } else { FONT }, size);
        c.next_line(x, y);
        c.show(Str(&bytes));
        c.end_text();
    }

    fn rule(&mut self) {
        let y = self.y + 3.0;
        let c = self.content();
        c.set_line_width(0.5);
        c.move_to(MARGIN, y);
        c.line_to(WIDTH - MARGIN, y);
        c.stroke();
    }

    fn line(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        self.need(size + 4.0);
        self.text(x, size, bold, text);
        self.y -= size + 4.0;
    }
}

const COLUMNS: [(f32, &str); 8] = [
    (MARGIN, "Matière"),
    (175.0, "Coef."),
    (210.0, "Élève"),
    (250.0, "Classe"),
    (292.0, "Min"),
    (325.0, "Max"),
    (358.0, "Notes"),
    (392.0, "Appréciation"),
];

fn subject_row(l: &mut Layout, s: &SubjectLine) {
    let name: String = if s.subject.name.is_empty() { s.subject.code.clone() } else { s.subject.name.clone() };
    let appreciation = wrap(s.appreciation.as_deref().unwrap_or(""), 38);
    let rows = appreciation.len().max(1) as f32;
    l.need(12.0 * rows + 6.0);
    let cells = [
        name.chars().take(26).collect::<String>(),
        format!("{}", s.coefficient).replace('.', ","),
        avg(s.pupil_average),
        avg(s.class_average),
        avg(s.class_min),
        avg(s.class_max),
        s.grades.to_string(),
    ];
    for (i, cell) in cells.iter().enumerate() {
        l.text(COLUMNS[i].0, 9.0, i == 0 || i == 2, cell);
    }
    let top = l.y;
    for line in &appreciation {
        l.text(COLUMNS[7].0, 8.0, false, line);
        l.y -= 11.0;
    }
    l.y = top - 12.0 * rows - 2.0;
    l.rule();
    l.y -= 4.0;
}

/// Renders a bulletin as a PDF document.
pub fn render(b: &Bulletin) -> Vec<u8> {
    let mut l = Layout::new();
    l.line(MARGIN, 16.0, true, &format!("Bulletin scolaire — {}", b.period.name));
    let structure =
        if b.structure.name.is_empty() { b.structure.code.clone() } else { format!("{} ({})", b.structure.name, b.structure.code) };
    l.line(MARGIN, 10.0, false, &structure);
    l.y -= 6.0;
    l.line(MARGIN, 11.0, true, &format!("Élève : {}", b.pupil.name));
    let dates = match (b.period.start, b.period.end) {
        (Some(s), Some(e)) => format!(" du {} au {}", s.format("%d/%m/%Y"), e.format("%d/%m/%Y")),
        _ => String::new(),
    };
    l.line(MARGIN, 10.0, false, &format!("Classe : {}    Période : {}{}", b.class.code, b.period.name, dates));
    let version = match (b.publication.published, b.publication.version) {
        (true, Some(v)) => format!("Publié — version {v}"),
        _ => "Non publié (document de travail)".to_string(),
    };
    let as_of = b.as_of.map(|t| format!("    État au {}", t.format("%d/%m/%Y %H:%M UTC"))).unwrap_or_default();
    l.line(MARGIN, 9.0, false, &format!("{version}{as_of}"));
    l.y -= 8.0;

    l.need(16.0);
    for (x, title) in COLUMNS {
        l.text(x, 9.0, true, title);
    }
    l.y -= 12.0;
    l.rule();
    l.y -= 4.0;
    for s in &b.subjects {
        subject_row(&mut l, s);
    }
    l.y -= 6.0;
    l.line(MARGIN, 11.0, true, &format!("Moyenne générale : {}", avg(b.general_average)));
    l.y -= 6.0;
    l.line(MARGIN, 10.0, true, "Appréciation du conseil de classe");
    for line in wrap(b.council_appreciation.as_deref().unwrap_or("—"), 100) {
        l.line(MARGIN, 9.0, false, &line);
    }
    if let Some(m) = b.mention {
        l.line(MARGIN, 10.0, true, &format!("Mention : {}", m.label()));
    }
    l.y -= 6.0;
    let count = |v: Option<u32>| v.map_or("—".to_string(), |n| n.to_string());
    l.line(
        MARGIN,
        9.0,
        false,
        &format!(
            "Absences : {} demi-journée(s) dont {} non justifiée(s) ; retards : {}",
            count(b.absences.half_days),
            count(b.absences.unjustified_half_days),
            count(b.absences.lates)
        ),
    );
    write(l.pages)
}

fn write(pages: Vec<Content>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    let bold = Ref::new(4);
    let first_page = 5;
    let page_ids: Vec<Ref> = (0..pages.len()).map(|i| Ref::new(first_page + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(pages.len() as i32);
    pdf.type1_font(font).base_font(Name(b"Helvetica")).encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold).base_font(Name(b"Helvetica-Bold")).encoding_predefined(Name(b"WinAnsiEncoding"));
    for (i, content) in pages.into_iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(FONT, font).pair(BOLD, bold);
        resources.finish();
        page.finish();
        let data = content.finish();
        pdf.stream(content_id, &data);
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_is_encoded_in_win_ansi() {
        assert_eq!(win_ansi("Élève — 12,5 €"), vec![0xC9, b'l', 0xE8, b'v', b'e', b' ', 0x97, b' ', b'1', b'2', b',', b'5', b' ', 0x80]);
        assert_eq!(win_ansi("œuvre"), vec![0x9C, b'u', b'v', b'r', b'e']);
    }

    #[test]
    fn long_appreciations_wrap_on_spaces() {
        assert_eq!(wrap("un deux trois quatre", 9), ["un deux", "trois", "quatre"]);
    }
}
