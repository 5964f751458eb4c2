"""Twelve small LaTeX write-ups of varied shapes, shared by the parser measurement and the LaTeX reader's tests."""

from __future__ import annotations

SAMPLES: dict[str, str] = {
    "sections": r"""\documentclass{article}
\usepackage{amsmath}
\begin{document}
\section{Attention}
Softmax of $QK^T/\sqrt{d}$.
\section{Gradients}
\subsection{Forward}
$y = 2x$
\subsection{Backward}
$\frac{dy}{dx} = 2$
\section*{Acknowledgements}
None.
\end{document}
""",
    "written-numbers": r"""\documentclass{article}
\begin{document}
\section{Question 3}
Answer three.
\section*{Problem 2.1}
Answer.
\subsection{Q7: decoding}
Viterbi.
\end{document}
""",
    "enumerate-enumitem": r"""\documentclass{article}
\usepackage{enumitem}
\begin{document}
\begin{enumerate}
\item First question.
  \begin{enumerate}[(a)]
  \item part a
  \item part b
    \begin{enumerate}[label=(\roman*)]
    \item deep one
    \item deep two
    \end{enumerate}
  \end{enumerate}
\item Second question.
\end{enumerate}
\begin{enumerate}[label=\alph*), start=3]
\item third letter
\item[(z)] explicit
\end{enumerate}
\end{document}
""",
    "exam-class": r"""\documentclass{exam}
\begin{document}
\begin{questions}
\question Define attention.
\begin{parts}
\part Keys.
\begin{subparts}
\subpart Shape.
\end{subparts}
\part Values.
\end{parts}
\question[5] Second.
\end{questions}
\end{document}
""",
    "amsthm": r"""\documentclass{article}
\usepackage{amsthm}
\newtheorem{problem}{Problem}
\newtheorem{exercise}{Exercise}[section]
\begin{document}
\begin{problem}[Softmax]
Show it sums to one.
\end{problem}
\begin{proof}
Sum the exponentials.
\end{proof}
\begin{problem}
Second.
\end{problem}
\begin{solution}
Done.
\end{solution}
\end{document}
""",
    "macros": r"""\documentclass{article}
\newcommand{\E}{\mathbb{E}}
\newcommand{\deriv}[2]{\frac{\partial #1}{\partial #2}}
\renewcommand{\vec}[1]{\mathbf{#1}}
\providecommand{\R}{\mathbb{R}}
\def\half{\frac{1}{2}}
\def\sq#1{#1^{2}}
\DeclareMathOperator{\softmax}{softmax}
\DeclareMathOperator*{\argmax}{arg\,max}
\DeclarePairedDelimiter{\norm}{\lVert}{\rVert}
\let\eps\varepsilon
\newcommand{\lr}[1][\eta]{#1 \nabla}
\begin{document}
$\E[X] = \deriv{L}{w}$ and $\half \sq{x}$, $\softmax(z)$, $\norm{x}$, $\norm*{y}$, $\norm[\big]{z}$, $\eps$, $\lr$, $\lr[\alpha]$
\end{document}
""",
    "multiline-def": r"""\documentclass{article}
\newcommand{\loss}[1]{%
  \frac{1}{n}
  \sum_i #1
}
\begin{document}
\section{Loss}
$L = \loss{\ell_i}$ % the mean
costs 100\% of it.
\end{document}
""",
    "comments": r"""\documentclass{article}
\begin{document}
% \section{Hidden}
\section{Shown} % trailing \section{NotThis}
50\% of $x$.
\iffalse
\section{Also hidden}
\fi
\end{document}
""",
    "broken-unbalanced": r"""\documentclass{article}
\begin{document}
\section{Open {brace
Text $x^{2$ more.
\begin{enumerate}
\item one
\section{After}
\end{itemize}
}}}
\end{document}
""",
    "no-preamble": r"""\section{Just a fragment}
\begin{enumerate}
\item a
\item b
\end{enumerate}
""",
    "input-and-paragraph": r"""\documentclass{article}
\begin{document}
\input{/etc/passwd}
\include{chapter1}
\subfile{sections/q2}
\paragraph{Remark} text.
\end{document}
""",
    "recursive-macros": r"""\documentclass{article}
\def\a{\a}
\def\b{\c}
\def\c{\b}
\newcommand{\x}{\x\x}
\begin{document}
$\a + \b + \x$
\end{document}
""",
}
