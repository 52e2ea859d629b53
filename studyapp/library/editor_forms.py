"""Forms of the authoring pages: sources, decks, bulk changes and the item editor (kind by kind)."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import formset_factory

from studyapp.library.access import editable_sources
from studyapp.library.models import (
    MAX_CHOICES,
    MAX_EVENTS,
    TRUE_FALSE_ANSWERS,
    ChoiceData,
    Deck,
    EventData,
    Item,
    ItemKind,
    validate_choices,
    validate_events,
)

SOURCE_MAX_BYTES = 1_000_000
SOURCE_EXTENSIONS = (".txt", ".md")
MAX_TAGS = 20


# --- Shared with the admin ---------------------------------------------------------------------------------


class AcceptedAnswersField(forms.CharField):
    """Accepted answers typed one per line, stored as the JSON list the model keeps."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        kwargs.setdefault("required", False)
        # Not the model's help text, which describes the stored JSON list.
        kwargs["help_text"] = "Other answers that count as right, one per line."
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(answer) for answer in value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data) -> bool:
        return (initial or []) != self.to_python(data)


# --- Sources and decks ---------------------------------------------------------------------------------------


class SourceForm(forms.Form):
    title = forms.CharField(max_length=300)
    author = forms.CharField(max_length=200, required=False)
    publication = forms.CharField(max_length=200, required=False)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        strip=False,
        max_length=SOURCE_MAX_BYTES,
        help_text="Paste the text here, paragraphs separated by blank lines, or upload a file below.",
    )
    upload = forms.FileField(
        required=False,
        label="Or upload a file",
        help_text=f"A .txt or .md file in UTF-8, at most {SOURCE_MAX_BYTES // 1000:,} kB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,text/plain,text/markdown"}),
    )

    def clean_upload(self) -> str | None:
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if PurePath(upload.name).suffix.lower() not in SOURCE_EXTENSIONS:
            raise ValidationError("Upload a .txt or .md file (plain text).")
        if upload.size > SOURCE_MAX_BYTES:
            raise ValidationError(f"The file is {upload.size:,} bytes; the limit is {SOURCE_MAX_BYTES:,} bytes.")
        raw = upload.read(SOURCE_MAX_BYTES + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                f"The file is not UTF-8 text (byte {error.start} can't be read). Save it as UTF-8 and upload it again."
            ) from None
        if "\x00" in text:
            raise ValidationError("The file holds NUL characters: it is not a text file.")
        return text

    def clean(self):
        data = super().clean()
        text = data.get("upload") or data.get("text") or ""
        # Browsers send a textarea's line breaks as CRLF; passages are offsets into the text stored with LF.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "upload" not in self.errors and "text" not in self.errors:
            if not text.strip():
                self.add_error("text", "Paste the text, or upload a .txt or .md file.")
            elif data.get("upload") and data.get("text", "").strip():
                self.add_error("upload", "Paste the text or upload a file, not both.")
        data["source_text"] = text
        return data


class DeckForm(forms.ModelForm):
    class Meta:
        model = Deck
        fields = ("title", "description", "source")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"source": "The text the deck's items are drawn from; each item can cite one of its sentences."}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = editable_sources(user).order_by("title", "pk")
        self.fields["source"].empty_label = "No source text"


class DeckRenameForm(forms.ModelForm):
    class Meta:
        model = Deck
        fields = ("title", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CoOwnerForm(forms.Form):
    username = forms.CharField(max_length=150, label="Add a co-owner (an instructor's username)")


def parse_tags(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    return list(dict.fromkeys(names))


class TagNamesField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        kwargs.setdefault("help_text", "Separated by commas, e.g. people, 1927.")
        super().__init__(**kwargs)

    def clean(self, value) -> list[str]:
        names = parse_tags(super().clean(value))
        if len(names) > MAX_TAGS:
            raise ValidationError(f"At most {MAX_TAGS} tags.")
        if any(len(name) > 60 for name in names):
            raise ValidationError("A tag has at most 60 characters.")
        return names


class BulkForm(forms.Form):
    """An action on the items ticked in the deck's editor."""

    ACTIONS = {"duplicate": "Duplicate", "tag": "Add tags", "move": "Move to deck", "delete": "Delete"}

    action = forms.ChoiceField(choices=list(ACTIONS.items()))
    items = forms.TypedMultipleChoiceField(
        coerce=int, choices=[], error_messages={"required": "Tick some items first."}
    )
    tags = TagNamesField(label="Tags to add")
    target = forms.ModelChoiceField(queryset=Deck.objects.none(), required=False, label="Deck to move them to")

    def __init__(self, *args, deck: Deck, user, item_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(pk, pk) for pk in item_ids]
        self.fields["items"].error_messages["invalid_choice"] = "Some of the ticked items are no longer in this deck."
        self.fields["target"].queryset = Deck.objects.editable_by(user).exclude(pk=deck.pk).order_by("title")

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "tag" and not data.get("tags") and "tags" not in self.errors:
            self.add_error("tags", "Name the tags to add.")
        if action == "move" and not data.get("target") and "target" not in self.errors:
            self.add_error("target", "Choose the deck to move them to.")
        return data


# --- The item editor ---------------------------------------------------------------------------------------

# The fields each kind uses (beyond kind, passage and tags, which all have).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    ItemKind.BASIC: ("prompt", "answer", "explanation"),
    ItemKind.REVERSED: ("prompt", "answer", "explanation"),
    ItemKind.TYPED: ("prompt", "answer", "accepted_answers", "explanation"),
    ItemKind.CLOZE: ("prompt", "accepted_answers", "explanation"),
    ItemKind.MULTIPLE_CHOICE: ("prompt", "explanation"),
    ItemKind.TRUE_FALSE: ("prompt", "answer", "explanation"),
    ItemKind.NUMBER: ("prompt", "answer", "tolerance", "explanation"),
    ItemKind.CHRONOLOGY: ("prompt", "explanation"),
}
# Kind by kind, what the prompt and answer are called (and how to write them).
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    ItemKind.REVERSED: {
        "prompt": ("Front", "Markdown. Learners see the front or the back first, in turn."),
        "answer": ("Back", "Markdown."),
    },
    ItemKind.CLOZE: {
        "prompt": ("Sentence with its blank", "Markdown. Put the hidden words in double braces: In {{1923}} Trotsky…"),
    },
    ItemKind.TRUE_FALSE: {"prompt": ("Statement", "Markdown. Learners answer whether it is true.")},
    ItemKind.NUMBER: {"answer": ("Answer (a number)", "Digits, e.g. 1923 or 4.5.")},
    ItemKind.CHRONOLOGY: {"prompt": ("Question", "Markdown, e.g. Put these events in order.")},
}


class ItemForm(forms.ModelForm):
    """The item itself; it shows only the fields its kind uses and validates with the model's rules."""

    tags = TagNamesField()

    class Meta:
        model = Item
        fields = ("kind", "prompt", "answer", "accepted_answers", "explanation", "tolerance", "passage")
        field_classes = {"accepted_answers": AcceptedAnswersField}
        labels = {"prompt": "Question", "tolerance": "Tolerance", "passage": "Source sentence"}
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 3}),
            "answer": forms.Textarea(attrs={"rows": 2}),
            "explanation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, deck: Deck, quiet: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.quiet = quiet  # re-rendered for a change of kind or a new row: no errors yet
        self.instance.deck = deck
        requested = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        self.kind = requested if requested in ItemKind.values else (self.instance.kind or ItemKind.BASIC)
        self.fields["kind"].choices = ItemKind.choices
        for name in ("prompt", "answer", "accepted_answers", "explanation", "tolerance"):
            if name not in KIND_FIELDS[self.kind]:
                del self.fields[name]
        for name, (label, help_text) in LABELS.get(self.kind, {}).items():
            if name in self.fields:
                self.fields[name].label, self.fields[name].help_text = label, help_text
        if "answer" in self.fields:
            self.fields["answer"].required = True
            if self.kind == ItemKind.TRUE_FALSE:
                self.fields["answer"] = forms.ChoiceField(
                    label="The statement is", choices=[(a, a) for a in TRUE_FALSE_ANSWERS], widget=forms.RadioSelect
                )
            elif self.kind in (ItemKind.NUMBER, ItemKind.TYPED):
                self.fields["answer"].widget = forms.TextInput()
        if "explanation" in self.fields:
            self.fields["explanation"].help_text = "Markdown, shown after the learner answers."
        passages = deck.source.passages.all() if deck.source_id else deck.items.none()
        self.fields["passage"].queryset = passages
        self.fields["passage"].required = False
        self.fields["passage"].error_messages["invalid_choice"] = "Choose a sentence of this deck's source text."
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(tag.name for tag in self.instance.tags.all())

    def full_clean(self) -> None:
        if self.quiet:
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def _post_clean(self) -> None:
        # Fields the kind doesn't use take their empty values, so a changed kind leaves no stale answer,
        # tolerance or accepted answers behind (and the model's rules don't trip over them).
        used = KIND_FIELDS[self.kind]
        if "answer" not in used:
            self.instance.answer = ""
        if "accepted_answers" not in used:
            self.instance.accepted_answers = []
        if "tolerance" not in used:
            self.instance.tolerance = 0
        super()._post_clean()

    def _update_errors(self, errors: ValidationError) -> None:
        # An error the model raises about a field this kind's form doesn't show goes to the top of the form.
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {
                    (field if field in self.fields else NON_FIELD_ERRORS): messages
                    for field, messages in errors.error_dict.items()
                }
            )
        super()._update_errors(errors)


class ChoiceRowForm(forms.Form):
    text = forms.CharField(max_length=500, required=False, label="Choice")
    is_correct = forms.BooleanField(required=False, label="Correct")


class EventRowForm(forms.Form):
    text = forms.CharField(max_length=500, required=False, label="Event")
    when = forms.CharField(max_length=100, required=False, label="Date shown")
    sort_key = forms.IntegerField(
        required=False,
        min_value=-(10**15),
        max_value=10**15,
        label="Sort key",
        help_text="YYYYMMDD, zeros for what is unknown: 19230400 is April 1923.",
    )

    def clean(self):
        data = super().clean()
        if data.get("text", "").strip() and data.get("sort_key") is None and "sort_key" not in self.errors:
            self.add_error("sort_key", "Give the event a sort key (its date as YYYYMMDD).")
        return data


class _RowsFormSet(forms.BaseFormSet):
    """Rows of an item's part: blank rows are ignored, deleted ones dropped, the rest taken in order."""

    kind: str = ""
    quiet = False

    def full_clean(self) -> None:
        if self.quiet:
            self._errors, self._non_form_errors = [{} for _ in self.forms], self.error_class()
            return
        super().full_clean()

    def live_forms(self) -> list[forms.Form]:
        forms_ = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("text", "").strip()
        ]
        position = {form: n for n, form in enumerate(self.forms)}
        return sorted(
            forms_,
            key=lambda form: (
                form.cleaned_data.get("ORDER") is None,
                form.cleaned_data.get("ORDER") or 0,
                position[form],
            ),
        )


class ChoiceFormSet(_RowsFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        validate_choices(self.kind, self.rows())

    def rows(self) -> list[ChoiceData]:
        return [ChoiceData(f.cleaned_data["text"].strip(), f.cleaned_data["is_correct"]) for f in self.live_forms()]


class EventFormSet(_RowsFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        validate_events(self.kind, self.rows())

    def rows(self) -> list[EventData]:
        return [
            EventData(
                f.cleaned_data["text"].strip(), f.cleaned_data.get("when", "").strip(), f.cleaned_data["sort_key"]
            )
            for f in self.live_forms()
        ]


ChoiceRows = formset_factory(
    ChoiceRowForm, formset=ChoiceFormSet, extra=0, can_delete=True, can_order=True, max_num=MAX_CHOICES, absolute_max=50
)
EventRows = formset_factory(
    EventRowForm, formset=EventFormSet, extra=0, can_delete=True, max_num=MAX_EVENTS, absolute_max=50
)
