"""`html_join` gives exactly what Django's `format_html_join` gives, for any values."""

from django.utils.functional import lazy
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from hypothesis import given
from hypothesis import strategies as st

from casework.markup import html_join

TEMPLATE = '<tr{}><td><a href="{}">{}</a></td><td class="num">{}</td></tr>'

values = st.one_of(
    st.text(),
    st.text(alphabet="<>&\"' aÅ\u200b").map(str),
    st.integers(),
    st.none(),
    st.dates(),
    st.text(alphabet="<>&b ").map(mark_safe),
    st.sampled_from([lazy(str, str)("Jobbsök"), lazy(str, str)("<Överskriden>")]),
)
rows = st.lists(st.tuples(values, values, values, values), max_size=6)


@given(rows)
def test_html_join_equals_format_html_join(generated):
    ours = html_join(TEMPLATE, generated)
    assert ours == format_html_join("", TEMPLATE, generated)
    assert isinstance(ours, SafeString)


def test_markup_stays_and_text_is_escaped():
    row = (mark_safe(' class="x"'), "/a?b=1&c=2", "<Åsa & 'Bo'>", 3)
    assert html_join(TEMPLATE, [row]) == (
        '<tr class="x"><td><a href="/a?b=1&amp;c=2">&lt;Åsa &amp; &#x27;Bo&#x27;&gt;</a></td>'
        '<td class="num">3</td></tr>'
    )
