"""The strip above the canvas that says, before Train, what would stop this network
training on the chosen data -- one problem at a time, the most fundamental first -- with
a button for the obvious fix ("Add SoftmaxOutput", "Set num_hidden to 10 classes")."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from .. import theme

READY_QSS = "#ReadinessBar { background: #f0fdf4; border: 1px solid #bbf7d0; border-radius: 8px; color: #166534; }"
PROBLEM_QSS = "#ReadinessBar { background: #fffbeb; border: 1px solid #fde68a; border-radius: 8px; color: #92400e; }"


class ReadinessBar(QFrame):
    sigFix = Signal(object)         # the core.graphdoc.readiness.Fix to apply
    sigShowNode = Signal(int)       # "Show" on a problem that belongs to a layer

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("ReadinessBar")
        self.problems, self._target_name = [], ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 5, 6, 5)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("background: transparent; border: none;")
        self.show_button = QPushButton("Show", self)
        self.fix_button = QPushButton(self)
        self.fix_button.setProperty("primary", True)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.show_button)
        layout.addWidget(self.fix_button)
        self.fix_button.clicked.connect(lambda: self.problems and self.sigFix.emit(self.problems[0].fix))
        self.show_button.clicked.connect(
            lambda: self.problems and self.problems[0].node_id is not None
            and self.sigShowNode.emit(self.problems[0].node_id))
        self.set_problems([], "", empty=True)

    def set_problems(self, problems, target_name: str, empty: bool = False) -> None:
        self.problems = list(problems)
        self.setVisible(not empty)
        if not self.problems:
            theme.set_stylesheet(self, READY_QSS)
            self.label.setText(f"✓ Ready to train on {target_name}.")
            self.fix_button.hide()
            self.show_button.hide()
            self.setAccessibleDescription(self.label.text())
            return
        first = self.problems[0]
        more = len(self.problems) - 1
        theme.set_stylesheet(self, PROBLEM_QSS)
        self.label.setText(f"Before training on {target_name}: {first.message}"
                           + (f"  (+{more} more)" if more else ""))
        self.fix_button.setVisible(first.fix is not None)
        self.fix_button.setText(first.fix.text if first.fix is not None else "")
        self.show_button.setVisible(first.node_id is not None)
        self.setAccessibleDescription(self.label.text())

    @property
    def ready(self) -> bool:
        return not self.problems
