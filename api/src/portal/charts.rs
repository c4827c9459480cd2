//! Charts of the indicators, drawn on the server as SVG with `plotters` (its SVG backend only),
//! so that they read without JavaScript. The SVG is embedded in the page: plotters writes colours
//! and fonts as presentation attributes, never `style` attributes, which the portal's
//! Content-Security-Policy (`style-src 'self'`) would block. Each chart is an image with a title
//! and a description, and every page shows its numbers in a table beside it.

use plotters::prelude::*;

/// Colours with a contrast of at least 4.5:1 on white (text and bars).
const INK: RGBColor = RGBColor(0x1b, 0x1b, 0x1f);
const BLUE: RGBColor = RGBColor(0x0b, 0x4f, 0xa8);
const GRID: RGBColor = RGBColor(0xe6, 0xe8, 0xec);
const SIZE: (u32, u32) = (720, 300);

/// A series to draw: one label and one value per point.
pub struct Series {
    pub labels: Vec<String>,
    pub values: Vec<u64>,
}

/// A failure of the drawing (only a bug of ours can cause one).
#[derive(Debug, thiserror::Error)]
#[error("chart: {0}")]
pub struct ChartError(String);

fn err(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Names the chart for assistive technologies: `role="img"`, its `<title>` and `<desc>`.
fn accessible(svg: String, id: &str, title: &str, desc: &str) -> String {
    let Some(end) = svg.find('>') else { return svg };
    let (open, rest) = svg.split_at(end + 1);
    let open = open.replacen("<svg ", &format!("<svg role=\"img\" class=\"chart\" aria-labelledby=\"{id}-titre {id}-desc\" "), 1);
    format!("{open}<title id=\"{id}-titre\">{}</title><desc id=\"{id}-desc\">{}</desc>{rest}", escape(title), escape(desc))
}

fn top(values: &[u64]) -> f64 {
    // Round the axis up so the highest point is not on the frame; at least 1 for an empty chart.
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    (max * 1.15).ceil()
}

/// Labels on the x axis: at most `max` of them, evenly spread.
fn label_step(n: usize, max: usize) -> usize {
    n.div_ceil(max).max(1)
}

/// A line with its points, e.g. connections per day.
pub fn line(id: &str, title: &str, desc: &str, s: &Series) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let n = s.values.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..(n as f64 - 0.5).max(0.5), 0f64..top(&s.values))
            .map_err(err)?;
        let step = label_step(n, 6);
        let labels = &s.labels;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .axis_style(INK)
            .label_style(("sans-serif", 19).into_font().color(&INK))
            .x_labels(n)
            .y_labels(6)
            .x_label_formatter(&|x| {
                let i = x.round() as usize;
                if (x - x.round()).abs() < 1e-6 && i.is_multiple_of(step) {
                    labels.get(i).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| if y.fract() == 0.0 { format!("{y:.0}") } else { String::new() })
            .draw()
            .map_err(err)?;
        let points: Vec<(f64, f64)> = s.values.iter().enumerate().map(|(i, v)| (i as f64, *v as f64)).collect();
        chart.draw_series(LineSeries::new(points.clone(), BLUE.stroke_width(3))).map_err(err)?;
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 4, BLUE.filled()))).map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(accessible(svg, id, title, desc))
}

/// Bars, one per label, e.g. actions per service.
pub fn bars(id: &str, title: &str, desc: &str, s: &Series) -> Result<String, ChartError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let n = s.values.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..top(&s.values))
            .map_err(err)?;
        let labels = &s.labels;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .axis_style(INK)
            .label_style(("sans-serif", 19).into_font().color(&INK))
            .x_labels(n + 1)
            .y_labels(6)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 { labels.get(i as usize).cloned().unwrap_or_default() } else { String::new() }
            })
            .y_label_formatter(&|y| if y.fract() == 0.0 { format!("{y:.0}") } else { String::new() })
            .draw()
            .map_err(err)?;
        chart
            .draw_series(s.values.iter().enumerate().map(|(i, v)| {
                let x = i as f64;
                Rectangle::new([(x - 0.35, 0.0), (x + 0.35, *v as f64)], BLUE.filled())
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(accessible(svg, id, title, desc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series() -> Series {
        Series { labels: vec!["lun. 2".into(), "mar. 3".into(), "mer. 4".into()], values: vec![3, 0, 7] }
    }

    #[test]
    fn charts_are_svg_images_with_a_title_and_no_inline_style() {
        for svg in
            [line("a", "Connexions <par jour>", "Trois jours", &series()).unwrap(), bars("b", "Actions", "Par service", &series()).unwrap()]
        {
            assert!(svg.starts_with("<svg role=\"img\" class=\"chart\""), "{svg}");
            assert!(svg.contains("<title id=") && svg.contains("<desc id="), "{svg}");
            assert!(!svg.contains("style=") && !svg.contains("<style"), "the CSP blocks inline styles: {svg}");
            assert!(svg.contains("viewBox"), "scales to the page: {svg}");
        }
        assert!(line("a", "Connexions <par jour>", "", &series()).unwrap().contains("Connexions &lt;par jour&gt;"));
        assert!(bars("b", "Actions", "", &series()).unwrap().contains("mer. 4"));
    }

    #[test]
    fn an_empty_series_still_draws_its_axes() {
        let svg = line("c", "Rien", "Aucune donnée", &Series { labels: vec![], values: vec![] }).unwrap();
        assert!(svg.contains("</svg>"));
    }
}
