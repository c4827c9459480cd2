//! The two standard fonts of the bulletin, Helvetica and Helvetica-Bold (not embedded, in
//! WinAnsi encoding so that French accents print): encoding of the text and measured widths,
//! for word wrapping and alignment.

use pdf_writer::Name;

/// A font of the bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
}

impl Font {
    /// The name of the font in the page resources.
    pub(crate) fn resource(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    /// The standard (built-in) font it is.
    pub(crate) fn base_font(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"Helvetica"),
            Font::Bold => Name(b"Helvetica-Bold"),
        }
    }

    /// Advance width of one WinAnsi code, in thousandths of the font size.
    fn code_width(self, code: u8) -> u16 {
        let widths = match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        };
        code.checked_sub(0x20).map_or(0, |i| widths[usize::from(i)])
    }

    /// Width of `text` printed at `size` points, in points (no kerning: a PDF viewer applies
    /// none to a plain text string either).
    pub fn width(self, text: &str, size: f32) -> f32 {
        let units: u32 = text.chars().map(|c| u32::from(self.code_width(win_ansi_code(c)))).sum();
        units as f32 * size / 1000.0
    }
}

/// The WinAnsi (Windows-1252) code of a character; characters outside it print as `?`, other
/// spaces as a space.
pub fn win_ansi_code(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        '\u{2010}' | '\u{2011}' | '\u{2212}' => b'-',
        c if c.is_whitespace() => b' ',
        _ => b'?',
    }
}

/// Encodes text in WinAnsi (Windows-1252).
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars().map(win_ansi_code).collect()
}

/// Breaks `text` into lines no wider than `width` points in `font` at `size`: on whitespace,
/// keeping the text's own line breaks; a word wider than a line is cut between characters.
pub fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<String> {
    let space = font.width(" ", size);
    let fits = |w: f32| w <= width + 0.01;
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in paragraph.split_whitespace() {
            let word_width = font.width(word, size);
            if !line.is_empty() && fits(line_width + space + word_width) {
                line.push(' ');
                line.push_str(word);
                line_width += space + word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line_width = 0.0;
            for c in word.chars() {
                let w = font.width(c.encode_utf8(&mut [0; 4]), size);
                if !line.is_empty() && !fits(line_width + w) {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += w;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

// Advance widths of the standard Helvetica and Helvetica-Bold fonts (their published metrics,
// in thousandths of the font size), indexed by WinAnsi code from 0x20 to 0xFF; 0 for the codes
// WinAnsi leaves unused.
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278,
    278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556,
    556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0, 556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333,
    1000, 0, 611, 0, 0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, 278, 333, 556, 556, 556, 556, 260, 556,
    333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 578, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, 667, 667, 667,
    667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667,
    667, 611, 556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, 556, 556, 556, 556, 556, 556, 556, 584, 611,
    556, 556, 556, 556, 500, 556, 500,
];
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333,
    333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611,
    611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0, 556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333,
    1000, 0, 611, 0, 0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, 278, 333, 556, 556, 556, 556, 280, 556,
    333, 737, 370, 556, 584, 333, 737, 333, 400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, 722, 722, 722,
    722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667,
    667, 611, 556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, 611, 611, 611, 611, 611, 611, 611, 584, 611,
    611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_text_is_encoded_in_win_ansi() {
        assert_eq!(win_ansi("Élève — 12,5 €"), vec![0xC9, b'l', 0xE8, b'v', b'e', b' ', 0x97, b' ', b'1', b'2', b',', b'5', b' ', 0x80]);
        assert_eq!(win_ansi("œuvre"), vec![0x9C, b'u', b'v', b'r', b'e']);
        assert_eq!(win_ansi("l’été\u{202f}!"), vec![b'l', 0x92, 0xE9, b't', 0xE9, b' ', b'!']);
        assert_eq!(win_ansi("日"), b"?");
    }

    #[test]
    fn widths_are_the_helvetica_metrics() {
        assert_eq!(Font::Regular.width("i", 1000.0), 222.0);
        assert_eq!(Font::Regular.width("W", 10.0), 9.44);
        assert_eq!(Font::Bold.width("Mathématiques", 1.0), Font::Bold.width("Mathematiques", 1.0));
        assert!(Font::Bold.width("mm", 10.0) > Font::Regular.width("mm", 10.0));
    }

    #[test]
    fn lines_are_cut_by_measured_width() {
        // "un deux" is 35.58 pt wide at 10 pt, "un deux trois" 57.25 pt.
        assert_eq!(wrap("un deux trois quatre", Font::Regular, 10.0, 40.0), ["un deux", "trois", "quatre"]);
        assert_eq!(wrap("iiiiii mmmmmm", Font::Regular, 10.0, 40.0), ["iiiiii", "mmmm", "mm"]);
        assert_eq!(wrap("un\ndeux", Font::Regular, 10.0, 400.0), ["un", "deux"]);
        for line in wrap(&"Très bonne participation à l’oral. ".repeat(20), Font::Regular, 8.0, 150.0) {
            assert!(Font::Regular.width(&line, 8.0) <= 150.0, "{line}");
        }
    }
}
