#!/usr/bin/env python3
"""What a .pptx deck holds, read with python-pptx and openpyxl, as JSON for the deck tests.

    deck_facts.py DECK.pptx

Prints: the slide size; the theme's accent colours; per slide its layout's name, its title, the
text of its other shapes, its table cells, and per chart the chart type of each plot, the series
with their names and cached values (and x values for scatter series), the theme colour each
series is filled or drawn with, and the embedded workbook's cells (first sheet, as rows).
Numbers are written as text (Python's shortest repr), so a reader parses the very same double.
"""
import io
import json
import re
import sys
import zipfile

import openpyxl
from pptx import Presentation
from pptx.util import Emu


def theme_accents(path):
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.startswith("ppt/theme/theme") and n.endswith(".xml")]
        xml = z.read(sorted(names)[0]).decode()
    return {m.group(1): m.group(2) for m in re.finditer(r"<a:(accent\d)>\s*<a:srgbClr val=\"([0-9A-Fa-f]{6})\"", xml)}


def series_colour(series):
    xml = series._element.xml
    m = re.search(r"<a:schemeClr val=\"(\w+)\"", xml)
    return m.group(1) if m else None


def chart_facts(chart):
    plots = []
    for plot in chart.plots:
        series = []
        for s in plot.series:
            entry = {"name": s.name, "values": [None if v is None else repr(float(v)) for v in s.values], "colour": series_colour(s)}
            x = s._element.xpath("./c:xVal//c:pt/c:v")
            if x:
                entry["x"] = [repr(float(e.text)) for e in x]
            series.append(entry)
        categories = []
        try:
            categories = [str(c) for c in plot.categories]
        except Exception:
            pass
        plots.append({"type": type(plot).__name__, "series": series, "categories": categories})
    workbook = openpyxl.load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob))
    sheet = workbook.worksheets[0]
    rows = [[repr(float(cell.value)) if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) else cell.value
             for cell in row] for row in sheet.iter_rows()]
    return {"chart_type": str(chart.chart_type), "plots": plots, "sheet": sheet.title, "workbook": rows}


def main():
    path = sys.argv[1]
    deck = Presentation(path)
    slides = []
    for slide in deck.slides:
        facts = {"layout": slide.slide_layout.name, "title": slide.shapes.title.text if slide.shapes.title is not None else None,
                 "texts": [], "tables": [], "charts": []}
        for shape in slide.shapes:
            if shape.has_chart:
                facts["charts"].append(chart_facts(shape.chart))
            elif shape.has_table:
                facts["tables"].append([[cell.text for cell in row.cells] for row in shape.table.rows])
            elif shape.has_text_frame and shape != slide.shapes.title:
                facts["texts"].append(shape.text_frame.text)
        slides.append(facts)
    print(json.dumps({"width": Emu(deck.slide_width), "height": Emu(deck.slide_height), "accents": theme_accents(path), "slides": slides},
                     ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
