from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html

from studyapp.library import services
from studyapp.library.editor_forms import AcceptedAnswersField
from studyapp.library.models import (
    Choice,
    ChoiceData,
    Deck,
    Event,
    EventData,
    Item,
    Passage,
    Source,
    Tag,
    validate_choices,
    validate_events,
)


class PassageInlineForm(forms.ModelForm):
    def _post_clean(self) -> None:
        # Every field is read-only here. Model validation would check the old offsets against the
        # source's new, unsaved text and report errors on fields this form lacks: a ValueError (500)
        # instead of saving a changed text. SourceForm guards the text; passages are re-split on save.
        pass


class PassageInline(admin.TabularInline):
    model = Passage
    form = PassageInlineForm
    fields = ("index", "paragraph", "start", "end", "text", "item_count")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # Passages come from splitting the text, never typed in by hand.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_items=Count("items"))

    @admin.display(description="items")
    def item_count(self, passage: Passage) -> int:
        return passage.num_items


class SourceTextField(forms.CharField):
    """The text exactly as typed: passages are offsets into it, so no stripping, and the
    CRLF line breaks every browser sends for a textarea become the LF the text is stored with."""

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "strip": False})

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ("title", "author", "publication", "text")
        field_classes = {"text": SourceTextField}

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if (
            self.instance.pk
            and text != self.instance.text
            and Item.objects.filter(passage__source=self.instance).exists()
        ):
            raise ValidationError(
                "Items are linked to sentences of this text, so the text can't change. "
                "Create a new source for a new version of the text."
            )
        return text


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ("title", "author", "publication", "passage_count", "created_by", "created_at")
    search_fields = ("title", "author", "publication", "text")
    list_filter = ("publication",)
    inlines = [PassageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by").annotate(num_passages=Count("passages"))

    @admin.display(description="passages", ordering="num_passages")
    def passage_count(self, source: Source) -> int:
        return source.num_passages

    def has_change_permission(self, request, obj: Source | None = None) -> bool:
        # Every instructor may read and use any source; only its author (or an admin) changes it.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or request.user.is_superuser or obj.created_by_id == request.user.pk)

    def has_delete_permission(self, request, obj: Source | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or request.user.is_superuser or obj.created_by_id == request.user.pk)

    def save_model(self, request, obj: Source, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change or "text" in form.changed_data:
            services.split_source_into_passages(source=obj)


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ("__str__", "source", "index", "paragraph", "start", "end")
    list_filter = ("source",)
    search_fields = ("text",)
    list_select_related = ("source",)
    readonly_fields = ("source", "index", "paragraph", "start", "end", "text")

    def get_queryset(self, request):
        # The item form's autocomplete lists passages by __str__, which names the source.
        return super().get_queryset(request).select_related("source")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "item_count")
    search_fields = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_items=Count("items"))

    @admin.display(description="items", ordering="num_items")
    def item_count(self, tag: Tag) -> int:
        return tag.num_items

    # A tag is shared by every deck, so renaming or deleting it changes other instructors' items: only
    # superusers may. Checked here as well as through the Instructors group's permissions (roles.py),
    # so a group given change_tag by hand still can't.
    def has_change_permission(self, request, obj: Tag | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj: Tag | None = None) -> bool:
        return request.user.is_superuser


@admin.register(Deck)
class DeckAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "owner", "source", "item_count", "updated_at")
    list_filter = ("owner", "source")
    search_fields = ("title", "slug", "description")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("owner", "co_owners")
    list_select_related = ("owner", "source")

    def get_queryset(self, request):
        # Instructors see and edit only the decks they own or co-own.
        return Deck.objects.editable_by(request.user).annotate(num_items=Count("items"))

    def get_readonly_fields(self, request, obj=None):
        # Ownership is the admins' to give; an instructor's new deck is their own.
        return () if request.user.is_superuser else ("owner", "co_owners")

    def save_model(self, request, obj: Deck, form, change: bool) -> None:
        if not change and not request.user.is_superuser:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="items", ordering="num_items")
    def item_count(self, deck: Deck) -> int:
        return deck.num_items


class _PartsFormSet(forms.BaseInlineFormSet):
    """Validates the item's choices or events as a whole, with the same rules the importer uses."""

    def live_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("text")
        ]


class ChoiceFormSet(_PartsFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        validate_choices(
            self.instance.kind,
            [ChoiceData(f.cleaned_data["text"], f.cleaned_data.get("is_correct", False)) for f in self.live_forms()],
        )

    def save_new(self, form, commit=True):
        # Choices are shown in the order they were entered.
        form.instance.order = self.forms.index(form)
        return super().save_new(form, commit)

    def save_existing(self, form, obj, commit=True):
        obj.order = self.forms.index(form)
        return super().save_existing(form, obj, commit)


class EventFormSet(_PartsFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        validate_events(
            self.instance.kind,
            [
                EventData(f.cleaned_data["text"], f.cleaned_data.get("when", ""), f.cleaned_data["sort_key"])
                for f in self.live_forms()
            ],
        )


# Stacked, not tabular: Django's tabular inline puts each field in a table cell with no label of its own
# (axe: label, critical); the stacked one labels every field.
class ChoiceInline(admin.StackedInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ("text", "is_correct")
    extra = 0
    verbose_name_plural = "choices (multiple-choice items only)"


class EventInline(admin.StackedInline):
    model = Event
    formset = EventFormSet
    fields = ("text", "when", "sort_key")
    extra = 0
    verbose_name_plural = "events (chronology items only)"


class MoveItemsForm(forms.Form):
    deck = forms.ModelChoiceField(queryset=Deck.objects.none(), label="Move to deck")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deck"].queryset = Deck.objects.editable_by(user)


class OwnDecksOnlyMixin:
    """Limits an admin to rows of decks the user may edit, and its deck choices to those decks."""

    deck_path = "deck"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.deck_path}__in": Deck.objects.editable_by(request.user)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "deck":
            kwargs["queryset"] = Deck.objects.editable_by(request.user)
        elif db_field.name == "item":
            kwargs["queryset"] = Item.objects.filter(deck__in=Deck.objects.editable_by(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ItemAdminForm(forms.ModelForm):
    """The editor's widgets: accepted answers one per line (the model keeps them as a JSON list)."""

    class Meta:
        model = Item
        fields = ("deck", "kind", "prompt", "answer", "accepted_answers", "explanation", "tags", "tolerance")
        fields += ("passage", "position")
        field_classes = {"accepted_answers": AcceptedAnswersField}


@admin.register(Item)
class ItemAdmin(OwnDecksOnlyMixin, admin.ModelAdmin):
    form = ItemAdminForm
    list_display = ("short_prompt", "kind", "deck", "position", "answer_preview", "passage_index")
    list_filter = ("kind", "deck", "tags")
    search_fields = ("prompt", "answer", "explanation", "passage__text")
    list_select_related = ("deck", "passage")
    # The passage is found by typing words of its sentence, and shown by its text (Passage.__str__), not its id.
    autocomplete_fields = ("tags", "passage")
    readonly_fields = ("passage_in_context",)
    inlines = [ChoiceInline, EventInline]
    actions = ["duplicate_items", "move_items"]
    fieldsets = (
        (None, {"fields": ("deck", "kind", "prompt", "answer", "accepted_answers", "explanation", "tags")}),
        ("Numbers and years", {"fields": ("tolerance",), "classes": ("collapse",)}),
        ("Source", {"fields": ("passage", "passage_in_context")}),
        ("Order", {"fields": ("position",)}),
    )

    @admin.display(description="prompt", ordering="prompt")
    def short_prompt(self, item: Item) -> str:
        return item.prompt if len(item.prompt) <= 80 else item.prompt[:79] + "…"

    @admin.display(description="answer")
    def answer_preview(self, item: Item) -> str:
        return item.answer if len(item.answer) <= 50 else item.answer[:49] + "…"

    @admin.display(description="passage", ordering="passage__index")
    def passage_index(self, item: Item) -> str:
        return f"§{item.passage.index}" if item.passage else "—"

    @admin.display(description="passage text")
    def passage_in_context(self, item: Item) -> str:
        if item.passage is None:
            return "—"
        return format_html(
            # Not a <blockquote>: the admin's CSS draws one in grey below 4.5:1 contrast.
            '<p class="passage-text">{}</p><p><a href="{}">Read it in the source</a></p>',
            item.passage.text,
            item.passage.get_absolute_url(),
        )

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        services.refresh_derived_answer(item=form.instance)

    @admin.action(description="Duplicate selected items", permissions=["add"])
    def duplicate_items(self, request: HttpRequest, queryset) -> None:
        copies = services.duplicate_items(items=queryset.select_related("passage"))
        self.message_user(request, f"Duplicated {len(copies)} items.", messages.SUCCESS)

    @admin.action(description="Move selected items to another deck…", permissions=["change"])
    def move_items(self, request: HttpRequest, queryset) -> HttpResponse | None:
        if "apply" in request.POST:
            form = MoveItemsForm(request.POST, user=request.user)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        moved = services.move_items(
                            items=queryset.select_related("passage"), deck=form.cleaned_data["deck"]
                        )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                    return None
                self.message_user(request, f"Moved {moved} items to “{form.cleaned_data['deck']}”.", messages.SUCCESS)
                return None
        else:
            form = MoveItemsForm(user=request.user)
        return render(
            request,
            "admin/library/item/move_items.html",
            {
                **self.admin_site.each_context(request),
                "title": "Move items",
                "items": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_name": "move_items",
            },
        )


@admin.register(Choice)
class ChoiceAdmin(OwnDecksOnlyMixin, admin.ModelAdmin):
    deck_path = "item__deck"

    list_display = ("text", "is_correct", "item", "order")
    list_filter = ("is_correct", "item__deck")
    search_fields = ("text", "item__prompt")
    list_select_related = ("item",)
    raw_id_fields = ("item",)


@admin.register(Event)
class EventAdmin(OwnDecksOnlyMixin, admin.ModelAdmin):
    deck_path = "item__deck"

    list_display = ("text", "when", "sort_key", "item")
    list_filter = ("item__deck",)
    search_fields = ("text", "when", "item__prompt")
    list_select_related = ("item",)
    raw_id_fields = ("item",)
