"""The look of the return views: one style sheet, by object name and property, so widgets set no colours.

Sizes are in points or em-relative spacing so that they follow 150% scaling; colours keep at least
4.5:1 contrast on white, and every coloured message also says what it is in words.
"""

ERROR_RED = "#b3261e"
WARNING_BROWN = "#7a4a00"
MUTED = "#4a4f57"

RETURN_VIEW_STYLE = f"""
QLabel#viewTitle {{ font-size: 13pt; font-weight: bold; }}
QLabel#viewDetails {{ color: {MUTED}; }}
QLabel#saveMark {{ color: #1e6b34; font-weight: bold; padding: 2px 6px; }}
QLabel#saveMark[state="failed"] {{ color: {ERROR_RED}; }}
QLabel#saveMark[state="idle"] {{ color: {MUTED}; font-weight: normal; }}

QFrame#banner {{ border: 1px solid #8fb3e0; border-radius: 4px; background: #eef4fc; }}
QFrame#banner[kind="warning"] {{ border-color: #e0a940; background: #fff6e0; }}
QFrame#banner[kind="error"] {{ border-color: #e3968f; background: #fdeeed; }}
QFrame#banner[kind="success"] {{ border-color: #8cc79b; background: #edf8f0; }}
QFrame#banner QLabel {{ background: transparent; color: #1d1f22; }}

QGroupBox#section {{ font-weight: bold; font-size: 11pt; border: 1px solid #c9ced6; border-radius: 4px;
                     margin-top: 1.4em; padding: 0.6em 0.8em 0.4em 0.8em; background: #ffffff; }}
QGroupBox#section::title {{ subcontrol-origin: margin; left: 0.6em; padding: 0 0.3em; }}
QGroupBox#section QLabel, QGroupBox#section QCheckBox, QGroupBox#section QRadioButton,
QGroupBox#section QPushButton {{ font-weight: normal; font-size: 10pt; }}
QLabel#sectionGuidance {{ color: {MUTED}; font-style: italic; }}
QGroupBox#section QLabel#fieldLabel {{ color: #1d1f22; font-weight: bold; }}
QLabel#requirement {{ color: {MUTED}; font-size: 9pt; }}
QLabel#guidance {{ color: {MUTED}; }}
QLabel#unit {{ color: {MUTED}; }}
QLabel#lastMonth {{ color: {MUTED}; padding-left: 1em; }}
QLabel#lastMonthBelow {{ color: {MUTED}; }}
QGroupBox#section QLabel#total {{ font-weight: bold; border-top: 1px solid #dde1e6; padding-top: 4px;
                                 margin-top: 2px; }}
QLabel#message_error, QLabel#message_not_saved, QLabel#message_tracker {{ color: {ERROR_RED}; }}
QLabel#message_warning {{ color: {WARNING_BROWN}; }}
QLabel#message_related_error {{ color: {ERROR_RED}; font-size: 9pt; }}
QLabel#message_related_warning {{ color: {WARNING_BROWN}; font-size: 9pt; }}

QLineEdit {{ border: 1px solid #8a8f98; border-radius: 3px; padding: 3px 5px; background: #ffffff; }}
QLineEdit:focus {{ border: 2px solid #1a5fb4; padding: 2px 4px; }}
QLineEdit:disabled {{ background: #eceef1; color: #6b7078; }}
QLineEdit[problem="error"] {{ border: 2px solid {ERROR_RED}; padding: 2px 4px; background: #fff7f6; }}
QLineEdit[problem="warning"] {{ border: 2px solid #c98a00; padding: 2px 4px; background: #fffbf0; }}

QLabel#panelHeading, QLabel#navHeading {{ font-weight: bold; font-size: 11pt; }}
QLabel#panelSummary, QLabel#confirmNote {{ color: {MUTED}; }}
QCheckBox#confirmWarnings {{ font-weight: bold; }}
QLabel#sendStatus {{ color: {MUTED}; }}
QLabel#legend {{ color: {MUTED}; padding: 4px 2px; }}
QPushButton#sendButton {{ font-weight: bold; padding: 6px 16px; }}
QScrollArea#formScroll {{ border: none; background: #f4f6f8; }}
QWidget#formContent {{ background: #f4f6f8; }}
"""
