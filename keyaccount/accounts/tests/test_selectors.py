from keyaccount.accounts.selectors import org_chart
from keyaccount.core.tests.factories import ContactFactory


def names(forest):
    return [(c.name, names(kids)) for c, kids in forest]


def test_the_org_chart_nests_people_under_whom_they_report_to(acme):
    ceo = ContactFactory(account=acme, name="CEO")
    cmo = ContactFactory(account=acme, name="CMO", reports_to=ceo)
    ContactFactory(account=acme, name="SEO lead", reports_to=cmo)
    ContactFactory(account=acme, name="Accountant")
    contacts = list(acme.contacts.order_by("name"))
    assert names(org_chart(contacts)) == [("Accountant", []), ("CEO", [("CMO", [("SEO lead", [])])])]


def test_a_reporting_cycle_never_drops_anyone(acme):
    a = ContactFactory(account=acme, name="A")
    b = ContactFactory(account=acme, name="B", reports_to=a)
    a.reports_to = b
    a.save()
    forest = org_chart(list(acme.contacts.order_by("name")))
    flat = []

    def walk(f):
        for c, kids in f:
            flat.append(c.name)
            walk(kids)

    walk(forest)
    assert sorted(flat) == ["A", "B"]
