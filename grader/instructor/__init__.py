"""The instructor's verbs, one module each: `grade release` (the students' copy), `grade batch`
(a class's submissions, each in its own `grade run`) and `grade gradebook` (merging results
files). None of them grades by itself: they start `grade run` or read what it wrote."""
