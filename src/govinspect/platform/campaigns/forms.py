"""Forms: starting a campaign, publishing its 通报."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from govinspect.platform.campaigns.models import Campaign
from govinspect.platform.registry.models import Region, Site
from govinspect.platform.registry.search import SiteLookupError, resolve_site
from govinspect.platform.scope import scoped


def profile_choices() -> list[tuple[str, str]]:
    """The shipped indicator profiles, by id and name."""
    from govinspect.profiles.loader import available_profiles, load_profile

    return [(name, f"{load_profile(name).name}（{name}）") for name in available_profiles()]


class CampaignForm(forms.Form):
    """发起抽查: which sites (one, or a region subtree with an optional sample), T, the profile."""

    name = forms.CharField(label="批次名称", max_length=100, required=False,
                           help_text="例如：2024年第二季度全省政府网站抽查；留空按监测时间点命名")
    mode = forms.ChoiceField(label="检查对象", choices=Campaign.MODES, initial="region", widget=forms.RadioSelect)
    region = forms.ModelChoiceField(label="地区（含下级）", queryset=Region.objects.none(), required=False,
                                    empty_label="管辖范围内全部地区")
    # A text field, not a drop-down (a province registers ~18,000 sites): the 网站标识码 typed or
    # picked from the suggestions of /sites/search/ (platform/sitepicker.js); without script the
    # typed code is looked up here. The old drop-down's row id is still accepted.
    site = forms.CharField(label="网站", max_length=200, required=False, help_text=(
        "输入网站标识码、名称或域名后从提示中选择；也可直接填写网站标识码"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "placeholder": "如 6103000001、宝鸡市人民政府 或 www.baoji.gov.cn"}))
    sample = forms.CharField(label="抽样", max_length=12, required=False,
                             help_text="按地区分层随机抽取：填写比例（如 50%）或网站个数（如 30）；留空检查全部")
    seed = forms.IntegerField(label="随机种子", initial=0, min_value=0, max_value=2**31 - 1,
                              help_text="同一名单、同一比例、同一种子抽中的网站相同，便于复核")
    all_portals = forms.BooleanField(label="门户网站全部检查，其余按比例抽取", required=False)
    as_of = forms.DateField(label="监测时间点", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            help_text="留空为今天（模拟省为其内容日期）")
    profile = forms.ChoiceField(label="指标体系", choices=())

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.sites = scoped(user, Site.objects.filter(status="running")).select_related("region")
        # Regions offered: those with running sites in scope, and their ancestors (by code prefix).
        codes = set(self.sites.values_list("region__code", flat=True).distinct())
        regions = [r.pk for r in scoped(user, Region.objects.all()) if any(c.startswith(r.prefix) for c in codes)]
        self.fields["region"].queryset = Region.objects.filter(pk__in=regions)
        self.fields["site"].widget.attrs["data-site-search"] = reverse("site_search")
        self.fields["profile"].choices = profile_choices()
        self.fields["profile"].initial = "gov2019"

    def clean_site(self) -> Site | None:
        """The typed 网站标识码 (or name, or host) → the running site in scope it names."""
        text = self.cleaned_data.get("site") or ""
        if not text.strip() or self.cleaned_data.get("mode") != "site":
            return None  # a region campaign ignores what may be left in the site field
        try:
            return resolve_site(self.sites, text)
        except SiteLookupError as err:
            raise forms.ValidationError(str(err)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mode") == "site" and not data.get("site") and "site" not in self.errors:
            self.add_error("site", "请填写要检查的网站标识码")
        return data


    def start(self) -> Campaign:
        """Start the campaign the valid form describes (the page and the API both come here);
        runner.CampaignStartError with a one-line reason when it cannot start."""
        from govinspect.platform.campaigns import runner

        d = self.cleaned_data
        return runner.create_campaign(
            self.user, name=d["name"], mode=d["mode"], site=d.get("site"), region=d.get("region"),
            sample=d["sample"] or "", seed=d["seed"] or 0, all_portals=d["all_portals"], as_of=d["as_of"],
            profile=d["profile"])


class PublishForm(forms.Form):
    """生成通报: 发文机关, 标题 (optional: the template's), 成文日期, 范围用语."""

    issuer = forms.CharField(label="发文机关", max_length=100, help_text="例如：××省人民政府办公厅")
    title = forms.CharField(label="标题", max_length=200, required=False,
                            help_text="留空按模板生成：××关于××政府网站抽查情况的通报")
    date = forms.DateField(label="成文日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    scope = forms.CharField(label="范围用语", max_length=20, required=False, help_text="如 全省、全市；留空为模板默认")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
