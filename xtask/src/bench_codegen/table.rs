//! The result table of `bench codegen`: rows of both tools' values in their units, and the
//! Markdown table with the protoforge / prost ratio.

/// The unit a row's values are in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Unit {
    Count,
    Seconds,
    /// A ratio to another row, which gets no protoforge / prost ratio.
    Factor,
}

/// One cell: a value, or why there is none.
#[derive(Clone, PartialEq, Debug)]
pub(super) enum Cell {
    Value(f64),
    Missing(&'static str),
}

/// One line of the result table.
#[derive(Clone, PartialEq, Debug)]
pub(super) struct Row {
    pub(super) input: String,
    pub(super) metric: String,
    pub(super) unit: Unit,
    pub(super) cells: [Cell; 2],
}

pub(super) fn row(input: &str, metric: &str, unit: Unit, cells: [Cell; 2]) -> Row {
    Row {
        input: input.into(),
        metric: metric.into(),
        unit,
        cells,
    }
}

/// The result table in Markdown: input, metric, both values and protoforge / prost.
pub(super) fn table(rows: &[Row]) -> String {
    let value = |cell: &Cell, unit: Unit| match (cell, unit) {
        (Cell::Value(v), Unit::Count) => thousands(*v as u64),
        (Cell::Value(v), Unit::Seconds) => format!("{v:.2} s"),
        (Cell::Value(v), Unit::Factor) => format!("{v:.2}x"),
        (Cell::Missing(why), _) => why.to_string(),
    };
    let mut lines = vec![
        "| input | metric | protoforge | prost+tonic | ratio |".to_string(),
        "| --- | --- | ---: | ---: | ---: |".to_string(),
    ];
    for r in rows {
        let ratio = match &r.cells {
            [Cell::Value(a), Cell::Value(b)] if *b > 0.0 && r.unit != Unit::Factor => {
                format!("{:.2}x", a / b)
            }
            _ => "-".into(),
        };
        lines.push(format!(
            "| {} | {} | {} | {} | {ratio} |",
            r.input,
            r.metric,
            value(&r.cells[0], r.unit),
            value(&r.cells[1], r.unit)
        ));
    }
    lines.join("\n")
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_ratios_and_marks_failures() {
        let rows = [
            row(
                "otel (8 files)",
                "generated lines",
                Unit::Count,
                [Cell::Value(245877.0), Cell::Value(74015.0)],
            ),
            row(
                "otel (8 files)",
                "crate build, debug",
                Unit::Seconds,
                [Cell::Value(1.5), Cell::Missing("fails")],
            ),
            row(
                "otel x2 (16 files)",
                "generation time / x1's",
                Unit::Factor,
                [Cell::Value(2.0), Cell::Value(1.5)],
            ),
        ];
        assert_eq!(
            table(&rows),
            "| input | metric | protoforge | prost+tonic | ratio |\n\
             | --- | --- | ---: | ---: | ---: |\n\
             | otel (8 files) | generated lines | 245,877 | 74,015 | 3.32x |\n\
             | otel (8 files) | crate build, debug | 1.50 s | fails | - |\n\
             | otel x2 (16 files) | generation time / x1's | 2.00x | 1.50x | - |"
        );
    }
}
