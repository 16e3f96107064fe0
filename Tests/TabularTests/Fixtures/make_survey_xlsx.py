"""Makes the test fixtures for klynge's Excel reader.

Run once with XlsxWriter 3.2 and openpyxl 3.1.5 (pip install xlsxwriter openpyxl):
    python3 make_survey_xlsx.py
survey-export.xlsx is written by XlsxWriter, which stores text as shared strings as Excel does;
survey-openpyxl.xlsx holds the same cells written by openpyxl, which stores inline strings.
The workbook imitates a KiAP-style survey export: a first sheet "Info", the answers on a
second sheet "Svar" (shared strings with æøå, numbers, a date column with a date format,
empty cells, a practice id with a leading zero stored as text), and a codebook sheet.
"""
import datetime
import openpyxl
import xlsxwriter

wb = openpyxl.Workbook()
info = wb.active
info.title = "Info"
info["A1"] = "Spørgeskema om palliation og samarbejdet med hospitalet"
info["A2"] = "Eksporteret"
info["B2"] = datetime.date(2024, 3, 5)

svar = wb.create_sheet("Svar")
svar.append(["respondent", "ydernummer", "rolle", "besvaret", "q1", "q2", "kommentar"])
rows = [
    (1, "012345", "læge", datetime.date(2024, 2, 1), "Meget enig", 1, "Godt samarbejde med palliativt team"),
    (2, "012345", "sygeplejerske", datetime.date(2024, 2, 3), "Enig", 2, None),
    (3, "098765", "sekretær", datetime.date(2024, 2, 10), "Ved ikke", 9, "Ved ikke hvem jeg skal ringe til"),
    (4, "098765", "læge", datetime.date(2024, 2, 12), None, 4, None),
    (5, "112233", "læge", datetime.date(2024, 2, 20), "Uenig", 5, "Svært at få fat i sygehuset om aftenen"),
]
for r in rows:
    svar.append(list(r))
for cell in svar["D"][1:]:
    cell.number_format = "dd-mm-yyyy"

codes = wb.create_sheet("Koder")
codes.append(["code", "label"])
for code, label in [(1, "Helt enig"), (2, "Overvejende enig"), (3, "Hverken enig eller uenig"), (4, "Overvejende uenig"), (5, "Helt uenig"), (9, "Ved ikke")]:
    codes.append([code, label])

wb.save("survey-openpyxl.xlsx")

# The same workbook through XlsxWriter (shared strings, like Excel).
book = xlsxwriter.Workbook("survey-export.xlsx")
date_format = book.add_format({"num_format": "dd-mm-yyyy"})
sheet = book.add_worksheet("Info")
sheet.write("A1", "Spørgeskema om palliation og samarbejdet med hospitalet")
sheet.write("A2", "Eksporteret")
sheet.write_datetime("B2", datetime.datetime(2024, 3, 5), date_format)
sheet = book.add_worksheet("Svar")
sheet.write_row(0, 0, ["respondent", "ydernummer", "rolle", "besvaret", "q1", "q2", "kommentar"])
for i, r in enumerate(rows, start=1):
    sheet.write_number(i, 0, r[0])
    sheet.write_string(i, 1, r[1])
    sheet.write_string(i, 2, r[2])
    sheet.write_datetime(i, 3, datetime.datetime.combine(r[3], datetime.time()), date_format)
    if r[4] is not None:
        sheet.write_string(i, 4, r[4])
    sheet.write_number(i, 5, r[5])
    if r[6] is not None:
        sheet.write_string(i, 6, r[6])
sheet = book.add_worksheet("Koder")
sheet.write_row(0, 0, ["code", "label"])
for i, (code, label) in enumerate([(1, "Helt enig"), (2, "Overvejende enig"), (3, "Hverken enig eller uenig"), (4, "Overvejende uenig"), (5, "Helt uenig"), (9, "Ved ikke")], start=1):
    sheet.write_number(i, 0, code)
    sheet.write_string(i, 1, label)
book.close()
