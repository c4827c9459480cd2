//! Activation slips: one slip per person (the ENT's address, the login, the activation code and
//! until when it works), four to an A4 page with cut lines, for an administrator to hand out
//! (docs/domain.md, "Activation codes"). Same fonts and document writer as the bulletin.

use ent_domain::directory::activation::IssuedCode;
use pdf_writer::{Content, Str};

use crate::notes::pdf::{Font, HEIGHT, WIDTH, win_ansi, wrap, write};

const SLIPS_PER_PAGE: usize = 4;
const MARGIN: f32 = 40.0;

fn text(c: &mut Content, x: f32, baseline: f32, font: Font, size: f32, line: &str) {
    c.begin_text();
    c.set_font(font.resource(), size);
    c.next_line(x, baseline);
    c.show(Str(&win_ansi(line)));
    c.end_text();
}

/// The slips of `codes` for structure `structure` of the ENT at `address`.
pub fn render_slips(structure: &str, address: &str, codes: &[IssuedCode]) -> Vec<u8> {
    let slip_height = HEIGHT / SLIPS_PER_PAGE as f32;
    let mut pages = Vec::new();
    for chunk in codes.chunks(SLIPS_PER_PAGE) {
        let mut c = Content::new();
        for (i, code) in chunk.iter().enumerate() {
            let top = HEIGHT - slip_height * i as f32;
            if i > 0 {
                // The cut line between two slips.
                c.set_stroke_gray(0.5);
                c.set_line_width(0.5);
                c.set_dash_pattern([4.0, 3.0], 0.0);
                c.move_to(MARGIN / 2.0, top);
                c.line_to(WIDTH - MARGIN / 2.0, top);
                c.stroke();
            }
            let mut y = top - MARGIN;
            let mut line = |font: Font, size: f32, s: &str, gap: f32| {
                for part in wrap(s, font, size, WIDTH - 2.0 * MARGIN) {
                    text(&mut c, MARGIN, y, font, size, &part);
                    y -= size * 1.3;
                }
                y -= gap;
            };
            line(Font::Bold, 13.0, &format!("Espace numérique de travail — {structure}"), 4.0);
            let class = code.class.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
            line(Font::Regular, 11.0, &format!("{} {}{class}", code.first_name, code.last_name), 6.0);
            line(Font::Regular, 11.0, &format!("Adresse : {address}"), 0.0);
            line(Font::Regular, 11.0, &format!("Identifiant : {}", code.login), 0.0);
            line(Font::Bold, 14.0, &format!("Code d'activation : {}", code.code), 0.0);
            line(Font::Regular, 9.0, &format!("Valable une seule fois, jusqu'au {}.", code.expires_at.format("%d/%m/%Y")), 2.0);
            line(
                Font::Regular,
                9.0,
                "À la première connexion, activez votre compte avec votre identifiant et ce code, et choisissez votre mot de passe (12 caractères au moins, ou une phrase de passe).",
                0.0,
            );
        }
        pages.push(c);
    }
    if pages.is_empty() {
        pages.push(Content::new());
    }
    write(&format!("Codes d'activation — {structure}"), pages)
}
