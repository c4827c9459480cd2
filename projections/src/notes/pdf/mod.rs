//! A printable bulletin: an A4 PDF laid out like a French bulletin scolaire — the school, the
//! pupil, class and period, the publication and version; one row per subject (coefficient,
//! pupil and class averages, class min and max, the teacher's appreciation wrapped to its
//! column); the general average; the class council's appreciation and mention; the absences.
//! A long bulletin goes on over several pages, the table header repeated on each, every page
//! numbered. Text is measured with the metrics of the standard fonts used (see [`font`]).

mod font;

pub use font::{Font, win_ansi, wrap};

use pdf_writer::{Content, Finish, Pdf, Rect, Ref, Str, TextStr};

use super::models::{Bulletin, SubjectLine};

pub(crate) const WIDTH: f32 = 595.0;
pub(crate) const HEIGHT: f32 = 842.0;
const LEFT: f32 = 40.0;
const RIGHT: f32 = WIDTH - 40.0;
const TOP: f32 = HEIGHT - 40.0;
/// Content stops above the footer.
const BOTTOM: f32 = 52.0;
const FOOTER_BASELINE: f32 = 30.0;
/// Inner margin of table cells and boxes.
const PAD: f32 = 4.0;
/// Gray levels: grid lines, filled header rows, secondary text.
const GRID: f32 = 0.35;
const HEADER_FILL: f32 = 0.86;
const LIGHT_FILL: f32 = 0.94;
const MUTED: f32 = 0.35;

/// Left edges of the subject table's columns (the last one ends at [`RIGHT`]): subject,
/// coefficient, pupil average, class average, class min, class max, appreciation.
const COLUMNS: [f32; 7] = [LEFT, 148.0, 180.0, 226.0, 272.0, 308.0, 344.0];
const APPRECIATION: usize = 6;
const TABLE_TITLES: [[&str; 2]; 7] = [
    ["Matière", ""],
    ["Coef.", ""],
    ["Moyenne", "élève"],
    ["Moyenne", "classe"],
    ["Min.", ""],
    ["Max.", ""],
    ["Appréciation du professeur", ""],
];

fn column(i: usize) -> (f32, f32) {
    (COLUMNS[i], COLUMNS.get(i + 1).copied().unwrap_or(RIGHT))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Center,
    Right,
}

/// One line of text of a cell or section.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    font: Font,
    size: f32,
    gray: f32,
}

impl Line {
    fn new(text: impl Into<String>, font: Font, size: f32) -> Self {
        Self { text: text.into(), font, size, gray: 0.0 }
    }

    fn muted(mut self) -> Self {
        self.gray = MUTED;
        self
    }

    /// Height the line takes (its font's ascent and descent fit with room to spare).
    fn leading(&self) -> f32 {
        self.size * 1.25
    }

    /// Baseline of a line whose box starts at `top`.
    fn baseline(&self, top: f32) -> f32 {
        top - self.size * 0.88
    }

    /// The paragraph `text` wrapped to `width`, one line per row.
    fn wrapped(text: &str, font: Font, size: f32, width: f32) -> Vec<Line> {
        wrap(text, font, size, width).into_iter().map(|t| Line::new(t, font, size)).collect()
    }
}

/// A cell of a table row: its horizontal extent and lines.
#[derive(Debug, Clone)]
struct Cell {
    x0: f32,
    x1: f32,
    align: Align,
    /// Centred vertically in the row (otherwise at its top).
    middle: bool,
    lines: Vec<Line>,
}

impl Cell {
    fn new(columns: (f32, f32), align: Align, lines: Vec<Line>) -> Self {
        Self { x0: columns.0, x1: columns.1, align, middle: false, lines }
    }

    fn height(&self) -> f32 {
        self.lines.iter().map(Line::leading).sum()
    }

    /// Width available to text.
    fn inner(&self) -> f32 {
        self.x1 - self.x0 - 2.0 * PAD
    }
}

fn row_height(cells: &[Cell]) -> f32 {
    cells.iter().map(Cell::height).fold(0.0, f32::max) + 2.0 * PAD
}

/// Splits a row taller than `room` into what fits and what goes on (at least one line of each
/// cell stays, so that a row always makes progress).
fn split_row(cells: Vec<Cell>, room: f32) -> (Vec<Cell>, Vec<Cell>) {
    let mut now = Vec::new();
    let mut rest = Vec::new();
    for mut cell in cells {
        let mut used = 0.0;
        let keep = cell
            .lines
            .iter()
            .take_while(|l| {
                used += l.leading();
                used <= room - 2.0 * PAD
            })
            .count()
            .max(1)
            .min(cell.lines.len());
        let tail = cell.lines.split_off(keep);
        rest.push(Cell { lines: tail, middle: false, ..cell.clone() });
        now.push(cell);
    }
    (now, rest)
}

/// "T1" → "1er trimestre", "S2" → "2e semestre" (the names `PeriodKind` gives periods); any other
/// name as it is.
fn period_label(name: &str) -> String {
    let kind = match name.get(..1) {
        Some("T") => "trimestre",
        Some("S") => "semestre",
        _ => return name.to_string(),
    };
    match name[1..].parse::<u32>() {
        Ok(1) => format!("1er {kind}"),
        Ok(n) => format!("{n}e {kind}"),
        Err(_) => name.to_string(),
    }
}

fn average(v: Option<f64>) -> String {
    v.map_or("—".to_string(), |v| format!("{v:.2}").replace('.', ","))
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

fn display_name(code: &str, name: &str) -> String {
    if name.is_empty() { code.to_string() } else { name.to_string() }
}

/// Pages being laid out, top to bottom.
struct Layout {
    pages: Vec<Content>,
    y: f32,
    /// Heading of the pages after the first: left and right parts.
    running: (String, String),
    /// Nothing was drawn under the table header of this page yet.
    fresh_table: bool,
}

impl Layout {
    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn room(&self) -> f32 {
        self.y - BOTTOM
    }

    fn text(&mut self, x: f32, baseline: f32, line: &Line) {
        let bytes = win_ansi(&line.text);
        let c = self.page();
        c.set_fill_gray(line.gray);
        c.begin_text();
        c.set_font(line.font.resource(), line.size);
        c.next_line(x, baseline);
        c.show(Str(&bytes));
        c.end_text();
        c.set_fill_gray(0.0);
    }

    /// Draws `line` in the box from `x0` to `x1` whose top is `top`.
    fn text_in(&mut self, x0: f32, x1: f32, top: f32, align: Align, line: &Line) {
        let width = line.font.width(&line.text, line.size);
        let x = match align {
            Align::Left => x0,
            Align::Center => (x0 + x1 - width) / 2.0,
            Align::Right => x1 - width,
        };
        self.text(x, line.baseline(top), line);
    }

    fn hline(&mut self, x0: f32, x1: f32, y: f32, width: f32) {
        let c = self.page();
        c.set_stroke_gray(GRID);
        c.set_line_width(width);
        c.move_to(x0, y);
        c.line_to(x1, y);
        c.stroke();
    }

    fn vline(&mut self, x: f32, y0: f32, y1: f32) {
        let c = self.page();
        c.set_stroke_gray(GRID);
        c.set_line_width(0.5);
        c.move_to(x, y0);
        c.line_to(x, y1);
        c.stroke();
    }

    fn fill(&mut self, x: f32, y: f32, width: f32, height: f32, gray: f32) {
        let c = self.page();
        c.set_fill_gray(gray);
        c.rect(x, y, width, height);
        c.fill_nonzero();
        c.set_fill_gray(0.0);
    }

    /// Starts a new page with the running heading (and the table header when in the table).
    fn break_page(&mut self, in_table: bool) {
        self.pages.push(Content::new());
        self.y = TOP;
        let (left, right) = self.running.clone();
        let left = Line::new(left, Font::Bold, 9.0);
        let right = Line::new(right, Font::Regular, 9.0);
        self.text_in(LEFT, RIGHT, self.y, Align::Left, &left);
        self.text_in(LEFT, RIGHT, self.y, Align::Right, &right);
        self.y -= left.leading() + 2.0;
        self.hline(LEFT, RIGHT, self.y, 0.5);
        self.y -= 10.0;
        if in_table {
            self.table_header();
        }
    }

    /// Makes room for `height` points, starting a new page when needed.
    fn need(&mut self, height: f32, in_table: bool) {
        if height > self.room() {
            self.break_page(in_table);
        }
    }

    /// Draws a row whose top is the current position, and moves below it.
    fn draw_row(&mut self, cells: &[Cell], fill: Option<f32>) {
        let height = row_height(cells);
        let top = self.y;
        let bottom = top - height;
        if let Some(gray) = fill {
            self.fill(LEFT, bottom, RIGHT - LEFT, height, gray);
        }
        for cell in cells {
            let mut y = top - PAD;
            if cell.middle {
                y -= (height - 2.0 * PAD - cell.height()) / 2.0;
            }
            for line in &cell.lines {
                self.text_in(cell.x0 + PAD, cell.x1 - PAD, y, cell.align, line);
                y -= line.leading();
            }
        }
        for cell in cells {
            self.vline(cell.x0, bottom, top);
        }
        self.vline(RIGHT, bottom, top);
        self.hline(LEFT, RIGHT, bottom, 0.5);
        self.y = bottom;
        self.fresh_table = false;
    }

    fn table_header(&mut self) {
        let cells: Vec<Cell> = TABLE_TITLES
            .iter()
            .enumerate()
            .map(|(i, titles)| {
                let lines = titles.iter().filter(|t| !t.is_empty()).map(|t| Line::new(*t, Font::Bold, 7.5)).collect();
                let align = if i == 0 || i == APPRECIATION { Align::Left } else { Align::Center };
                Cell { middle: true, ..Cell::new(column(i), align, lines) }
            })
            .collect();
        self.hline(LEFT, RIGHT, self.y, 0.5);
        self.draw_row(&cells, Some(HEADER_FILL));
        self.fresh_table = true;
    }

    /// A table row, on the next page when it does not fit; a row taller than a whole page is
    /// cut between lines.
    fn table_row(&mut self, mut cells: Vec<Cell>, fill: Option<f32>) {
        loop {
            let height = row_height(&cells);
            if height <= self.room() {
                self.draw_row(&cells, fill);
                return;
            }
            if !self.fresh_table {
                self.break_page(true);
                continue;
            }
            let (now, rest) = split_row(cells, self.room());
            self.draw_row(&now, fill);
            self.break_page(true);
            cells = rest;
        }
    }

    /// A titled section: a filled title bar, then lines flowing over pages as needed.
    fn section(&mut self, title: &str, lines: &[Line]) {
        let title = Line::new(title, Font::Bold, 9.0);
        let bar = title.leading() + 2.0 * PAD;
        let first = lines.first().map_or(0.0, Line::leading);
        self.need(bar + first + PAD, false);
        self.fill(LEFT, self.y - bar, RIGHT - LEFT, bar, HEADER_FILL);
        self.text_in(LEFT + PAD, RIGHT - PAD, self.y - PAD, Align::Left, &title);
        self.y -= bar + PAD;
        for line in lines {
            self.need(line.leading(), false);
            self.text_in(LEFT + PAD, RIGHT - PAD, self.y, Align::Left, line);
            self.y -= line.leading();
        }
        self.y -= 10.0;
    }
}

fn subject_row(s: &SubjectLine) -> Vec<Cell> {
    let name = display_name(&s.subject.code, &s.subject.name);
    let (x0, x1) = column(0);
    let mut subject = Cell::new((x0, x1), Align::Left, Vec::new());
    subject.lines = Line::wrapped(&name, Font::Bold, 8.5, subject.inner());
    for teacher in &s.teachers {
        subject.lines.extend(Line::wrapped(&format!("{} {}", teacher.first_name, teacher.last_name), Font::Regular, 7.0, subject.inner()));
    }
    let grades = match s.grades {
        0 => "aucune note".to_string(),
        n => format!("{n} note{}", if n > 1 { "s" } else { "" }),
    };
    subject.lines.push(Line::new(grades, Font::Regular, 7.0).muted());
    let number = |i: usize, text: String, font: Font, size: f32| Cell::new(column(i), Align::Center, vec![Line::new(text, font, size)]);
    let mut appreciation = Cell::new(column(APPRECIATION), Align::Left, Vec::new());
    appreciation.lines = Line::wrapped(s.appreciation.as_deref().unwrap_or(""), Font::Regular, 8.0, appreciation.inner());
    vec![
        subject,
        number(1, format!("{}", s.coefficient).replace('.', ","), Font::Regular, 8.5),
        number(2, average(s.pupil_average), Font::Bold, 9.0),
        number(3, average(s.class_average), Font::Regular, 8.5),
        number(4, average(s.class_min), Font::Regular, 8.5),
        number(5, average(s.class_max), Font::Regular, 8.5),
        appreciation,
    ]
}

/// The first page's heading: the school on the left, the title and period on the right, then
/// a box with the pupil, the class and the publication.
fn heading(l: &mut Layout, b: &Bulletin, period: &str) {
    let half = (RIGHT - LEFT) / 2.0 - 10.0;
    let mut left = Line::wrapped(&display_name(&b.structure.code, &b.structure.name), Font::Bold, 12.0, half);
    left.push(Line::new(format!("UAI {}", b.structure.code), Font::Regular, 8.5).muted());
    let mut right = vec![Line::new("Bulletin scolaire", Font::Bold, 16.0), Line::new(period, Font::Bold, 10.5)];
    if let (Some(s), Some(e)) = (b.period.start, b.period.end) {
        right.push(Line::new(format!("du {} au {}", s.format("%d/%m/%Y"), e.format("%d/%m/%Y")), Font::Regular, 8.5).muted());
    }
    let top = l.y;
    let mut y = top;
    for line in &left {
        l.text_in(LEFT, RIGHT, y, Align::Left, line);
        y -= line.leading();
    }
    let left_bottom = y;
    let mut y = top;
    for line in &right {
        l.text_in(LEFT, RIGHT, y, Align::Right, line);
        y -= line.leading();
    }
    l.y = left_bottom.min(y) - 10.0;

    // The pupil box.
    let mut who = vec![
        (Line::new("Élève : ", Font::Regular, 10.0), Line::new(b.pupil.name.clone(), Font::Bold, 10.0)),
        (Line::new("Classe : ", Font::Regular, 10.0), Line::new(b.class.code.clone(), Font::Bold, 10.0)),
    ];
    if !b.class.name.is_empty() && b.class.name != b.class.code {
        who[1].1.text = format!("{} ({})", b.class.code, b.class.name);
    }
    let mut publication = vec![match (b.publication.published, b.publication.version) {
        (true, Some(v)) => {
            let date = b.publication.published_at.map(|t| format!(" le {}", t.format("%d/%m/%Y"))).unwrap_or_default();
            Line::new(format!("Publié{date} — version {v}"), Font::Bold, 9.0)
        }
        _ => Line::new("Non publié — document de travail", Font::Bold, 9.0),
    }];
    if let Some(r) = b.publication.revisions.last() {
        let text = format!("Modifié le {} : {}", r.at.format("%d/%m/%Y"), r.reason);
        publication.extend(Line::wrapped(&text, Font::Regular, 8.0, half).into_iter().map(Line::muted));
    }
    if let Some(t) = b.as_of {
        publication.push(Line::new(format!("État au {} UTC", t.format("%d/%m/%Y %H:%M")), Font::Regular, 8.0).muted());
    }
    let who_height: f32 = who.iter().map(|(a, _)| a.leading()).sum();
    let publication_height: f32 = publication.iter().map(Line::leading).sum();
    let height = who_height.max(publication_height) + 2.0 * PAD;
    let top = l.y;
    l.fill(LEFT, top - height, RIGHT - LEFT, height, LIGHT_FILL);
    l.hline(LEFT, RIGHT, top, 0.5);
    l.hline(LEFT, RIGHT, top - height, 0.5);
    l.vline(LEFT, top - height, top);
    l.vline(RIGHT, top - height, top);
    let mut y = top - PAD;
    for (label, value) in &who {
        l.text_in(LEFT + PAD, RIGHT, y, Align::Left, label);
        let x = LEFT + PAD + label.font.width(&label.text, label.size);
        l.text_in(x, RIGHT, y, Align::Left, value);
        y -= label.leading();
    }
    let mut y = top - PAD;
    for line in &publication {
        l.text_in(LEFT, RIGHT - PAD, y, Align::Right, line);
        y -= line.leading();
    }
    l.y = top - height - 14.0;
}

/// Renders a bulletin as a PDF document.
pub fn render(b: &Bulletin) -> Vec<u8> {
    let period = period_label(&b.period.name);
    let mut l = Layout {
        pages: Vec::new(),
        y: TOP,
        running: (format!("Bulletin scolaire — {period} (suite)"), format!("{} — {}", b.pupil.name, b.class.code)),
        fresh_table: false,
    };
    heading(&mut l, b, &period);

    l.need(60.0, false);
    l.table_header();
    for s in &b.subjects {
        l.table_row(subject_row(s), None);
    }
    let label =
        Cell { middle: true, ..Cell::new((COLUMNS[0], COLUMNS[2]), Align::Left, vec![Line::new("Moyenne générale", Font::Bold, 9.0)]) };
    let value = Cell::new(column(2), Align::Center, vec![Line::new(average(b.general_average), Font::Bold, 10.0)]);
    let rest = Cell::new((COLUMNS[3], RIGHT), Align::Left, Vec::new());
    l.table_row(vec![label, value, rest], Some(LIGHT_FILL));
    l.y -= 14.0;

    let width = RIGHT - LEFT - 2.0 * PAD;
    let mut council = match b.council_appreciation.as_deref() {
        Some(text) if !text.trim().is_empty() => Line::wrapped(text, Font::Regular, 9.0, width),
        _ => vec![Line::new("Aucune appréciation.", Font::Regular, 9.0).muted()],
    };
    if let Some(m) = b.mention {
        council.push(Line::new(format!("Mention : {}", m.label()), Font::Bold, 9.5));
    }
    l.section("Appréciation du conseil de classe", &council);

    let a = &b.absences;
    let absences = match (a.half_days, a.lates) {
        (Some(half_days), Some(lates)) => {
            let mut detail = Vec::new();
            if let Some(n) = a.justified_half_days.filter(|n| *n > 0) {
                detail.push(plural(n, "justifiée", "justifiées"));
            }
            if let Some(n) = a.unjustified_half_days.filter(|n| *n > 0) {
                detail.push(plural(n, "non justifiée", "non justifiées"));
            }
            let detail = if detail.is_empty() { String::new() } else { format!(" (dont {})", detail.join(", ")) };
            vec![
                Line::new(format!("Absences : {}{detail}", plural(half_days, "demi-journée", "demi-journées")), Font::Regular, 9.0),
                Line::new(format!("Retards : {lates}"), Font::Regular, 9.0),
            ]
        }
        _ => vec![Line::new("Absences et retards : non repris dans une consultation à une date passée.", Font::Regular, 9.0).muted()],
    };
    l.section("Vie scolaire", &absences);

    let footer = format!("{} — {} — {} — {period}", display_name(&b.structure.code, &b.structure.name), b.pupil.name, b.class.code);
    let title = format!("Bulletin scolaire — {} — {period}", b.pupil.name);
    write(&title, number_pages(l.pages, &footer))
}

/// The footer of every page: what the bulletin is, and "Page n / total".
fn number_pages(pages: Vec<Content>, footer: &str) -> Vec<Content> {
    let total = pages.len();
    let mut l = Layout { pages: Vec::new(), y: 0.0, running: Default::default(), fresh_table: false };
    for (i, page) in pages.into_iter().enumerate() {
        l.pages.push(page);
        l.hline(LEFT, RIGHT, FOOTER_BASELINE + 10.0, 0.5);
        let number = Line::new(format!("Page {} / {total}", i + 1), Font::Regular, 7.5).muted();
        let number_width = number.font.width(&number.text, number.size);
        let mut text = Line::new(footer, Font::Regular, 7.5).muted();
        if let Some(first) = wrap(footer, text.font, text.size, RIGHT - LEFT - number_width - 20.0).first() {
            text.text = first.clone();
        }
        l.text(LEFT, FOOTER_BASELINE, &text);
        l.text(RIGHT - number_width, FOOTER_BASELINE, &number);
    }
    l.pages
}

/// An A4 document of `pages` with the two standard fonts (also the activation slips').
pub(crate) fn write(title: &str, pages: Vec<Content>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let first_page = 6;
    let page_ids: Vec<Ref> = (0..pages.len()).map(|i| Ref::new(first_page + 2 * i as i32)).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(pages.len() as i32);
    for (id, font) in [(regular, Font::Regular), (bold, Font::Bold)] {
        pdf.type1_font(id).base_font(font.base_font()).encoding_predefined(pdf_writer::Name(b"WinAnsiEncoding"));
    }
    pdf.document_info(info).title(TextStr(title)).producer(TextStr("ENT"));
    for (i, content) in pages.into_iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        let mut resources = page.resources();
        resources.fonts().pair(Font::Regular.resource(), regular).pair(Font::Bold.resource(), bold);
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
    fn periods_are_named_in_french() {
        assert_eq!(period_label("T1"), "1er trimestre");
        assert_eq!(period_label("T3"), "3e trimestre");
        assert_eq!(period_label("S2"), "2e semestre");
        assert_eq!(period_label("Été"), "Été");
        assert_eq!(period_label("Tx"), "Tx");
    }

    #[test]
    fn a_row_taller_than_the_room_is_cut_between_lines() {
        let lines = |n: usize| (0..n).map(|i| Line::new(format!("ligne {i}"), Font::Regular, 8.0)).collect::<Vec<_>>();
        let cells = vec![Cell::new(column(0), Align::Left, lines(2)), Cell::new(column(APPRECIATION), Align::Left, lines(30))];
        let (now, rest) = split_row(cells, 100.0);
        // 10 pt a line, 8 pt of padding: 9 lines fit in 100 pt.
        assert_eq!(now.iter().map(|c| c.lines.len()).collect::<Vec<_>>(), [2, 9]);
        assert_eq!(rest.iter().map(|c| c.lines.len()).collect::<Vec<_>>(), [0, 21]);
        assert!(row_height(&now) <= 100.0);
    }
}
