"""Forms of the registry pages."""

from __future__ import annotations

from typing import Any

from django import forms

from govinspect.platform.registry.models import NewMediaAccount, Organiser, Region, Site
from govinspect.platform.scope import scoped
from govinspect.platform.uploads import REGISTRY_KINDS, check_upload


class SiteForm(forms.ModelForm):
    """Register or edit one site; regions and organisers offered are the user's own."""

    class Meta:
        model = Site
        fields = ["site_code", "name", "url", "organiser", "region", "portal", "status", "aliases"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scoped(user, Region.objects.all())
        self.fields["organiser"].queryset = scoped(user, Organiser.objects.all())
        if getattr(user, "role", "") == "admin" or user.is_superuser:
            self.fields["allow_private"] = forms.BooleanField(
                label="允许复查访问内网地址", required=False, initial=self.instance.allow_private)

    def clean_url(self) -> str:
        from govinspect.sites import normalise_site_url

        url, error = normalise_site_url(self.cleaned_data["url"])
        if error:
            raise forms.ValidationError(error)
        return url

    def save(self, commit: bool = True) -> Site:
        if "allow_private" in self.cleaned_data:
            self.instance.allow_private = self.cleaned_data["allow_private"]
        return super().save(commit)


class NewMediaForm(forms.ModelForm):
    """Register a new-media account."""

    class Meta:
        model = NewMediaAccount
        fields = ["platform", "name", "account_id", "organiser", "region", "site", "status"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scoped(user, Region.objects.all())
        self.fields["organiser"].queryset = scoped(user, Organiser.objects.all())
        self.fields["site"].queryset = scoped(user, Site.objects.all())


class ImportForm(forms.Form):
    """A registry file (CSV or XLSX)."""

    file = forms.FileField(label="网站信息表（CSV 或 XLSX）")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_upload(upload, REGISTRY_KINDS)
        return upload
