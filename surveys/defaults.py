"""The default questionnaire a programme ships with: short, plain Swedish (003; 001)."""

# (occasion, text, kind, label for 1, label for 5)
DEFAULT_QUESTIONS = [
    (
        "inskrivning",
        "Hur tror du att du kan klara ett arbete eller studier?",
        "skala",
        "Inte alls",
        "Mycket bra",
    ),
    ("inskrivning", "Hur mår du just nu?", "skala", "Mycket dåligt", "Mycket bra"),
    ("inskrivning", "Hur mycket vet du om arbetsmarknaden?", "skala", "Inget", "Mycket"),
    ("inskrivning", "Vad vill du få hjälp med?", "fritext", "", ""),
    (
        "utskrivning",
        "Hur tror du att du kan klara ett arbete eller studier?",
        "skala",
        "Inte alls",
        "Mycket bra",
    ),
    ("utskrivning", "Hur mår du just nu?", "skala", "Mycket dåligt", "Mycket bra"),
    ("utskrivning", "Hur mycket vet du om arbetsmarknaden?", "skala", "Inget", "Mycket"),
    ("utskrivning", "Hur nöjd är du med stödet du fått?", "skala", "Inte alls", "Mycket"),
    ("utskrivning", "Vad har varit bra, och vad kan bli bättre?", "fritext", "", ""),
]


def load_defaults(Programme, SurveyQuestion, programmes=None) -> int:
    """Give each programme without questions the default set; returns questions created."""
    created = 0
    for programme in programmes if programmes is not None else Programme.objects.all():
        if SurveyQuestion.objects.filter(programme=programme).exists():
            continue
        for position, (occasion, text, kind, low, high) in enumerate(DEFAULT_QUESTIONS, 1):
            SurveyQuestion.objects.create(
                programme=programme,
                occasion=occasion,
                position=position,
                text=text,
                kind=kind,
                low_label=low,
                high_label=high,
            )
            created += 1
    return created
