from __future__ import annotations

from typing import Any

from django import forms

from beacon.core.forms import GovukForm
from beacon.core.models import Area, Force
from beacon.geography.geometry import geometry_from_text
from beacon.geography.models import LocalPriority, Neighbourhood
from beacon.geography.services import PriorityValues


class ImportForm(GovukForm):
    file = forms.FileField(
        label="GeoJSON file", help_text="A FeatureCollection of Polygon or MultiPolygon features."
    )
    force = forms.ModelChoiceField(
        label="Force",
        queryset=Force.objects.order_by("name"),
        required=False,
        empty_label="The only force",
        help_text="Needed only when Beacon holds more than one force.",
    )


class PriorityForm(GovukForm):
    name = forms.CharField(
        label="Name", max_length=200, help_text="As it will be shown on incidents, e.g. “Operation Lantern”."
    )
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose a kind"), *LocalPriority.Kind.choices])
    neighbourhood = forms.ModelChoiceField(
        label="Neighbourhood",
        queryset=Neighbourhood.objects.select_related("area").order_by("name"),
        required=False,
        empty_label="Not one neighbourhood (choose the area)",
    )
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label="The neighbourhood's area",
        help_text="Only for an operation that spans neighbourhoods.",
    )
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    set_at = forms.CharField(
        label="Where it was set",
        max_length=300,
        required=False,
        help_text="For example “community meeting 3 October 2026”.",
    )
    lat = forms.FloatField(label="Latitude of the centre", required=False, help_text="For example 52.6012.")
    lon = forms.FloatField(label="Longitude of the centre", required=False, help_text="For example -1.1043.")
    radius_m = forms.IntegerField(
        label="Radius in metres", required=False, help_text="From 1 to 10,000 metres."
    )
    geometry = forms.CharField(
        label="Or a polygon (GeoJSON)",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        required=False,
        help_text="Paste a GeoJSON Polygon or MultiPolygon instead of a centre and radius.",
    )
    active_from = forms.DateField(label="Starts on", widget=forms.DateInput())
    active_to = forms.DateField(
        label="Last day", widget=forms.DateInput(), required=False, help_text="Leave blank if open-ended."
    )
    version = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lat", "lon", "radius_m"):
            self.fields[name].widget.attrs["class"] += " govuk-input--width-10"
            self.fields[name].widget.attrs["inputmode"] = "decimal"

    def clean_geometry(self) -> Any:
        text = self.cleaned_data.get("geometry", "").strip()
        if not text:
            return None
        try:
            return geometry_from_text(text)
        except ValueError as exc:
            raise forms.ValidationError(
                "The polygon is not valid GeoJSON: paste the whole geometry."
            ) from exc

    def values(self) -> PriorityValues:
        d = self.cleaned_data
        return PriorityValues(
            name=d["name"],
            kind=d["kind"],
            active_from=d["active_from"],
            active_to=d.get("active_to"),
            neighbourhood=d.get("neighbourhood"),
            area=d.get("area"),
            description=d.get("description", ""),
            set_at=d.get("set_at", ""),
            geometry=d.get("geometry"),
            lat=d.get("lat"),
            lon=d.get("lon"),
            radius_m=d.get("radius_m"),
        )

    @staticmethod
    def initial_for(p: LocalPriority) -> dict[str, Any]:
        import json

        return {
            "name": p.name,
            "kind": p.kind,
            "neighbourhood": p.neighbourhood_id,
            "area": p.area_id if p.neighbourhood_id is None else None,
            "description": p.description,
            "set_at": p.set_at,
            "lat": p.lat,
            "lon": p.lon,
            "radius_m": p.radius_m,
            "geometry": json.dumps(p.geometry) if p.geometry is not None else "",
            "active_from": p.active_from,
            "active_to": p.active_to,
            "version": p.version,
        }


class EndPriorityForm(GovukForm):
    on = forms.DateField(
        label="Last day it applies", widget=forms.DateInput(), help_text="Today, or a later date."
    )
    version = forms.IntegerField(widget=forms.HiddenInput())
