import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from keyaccount.tenancy.models import Invitation
from keyaccount.tenancy.services import invitation_create


def accept_url(invitation):
    return f"https://keyaccount.example/invitations/{invitation.token}/"


@pytest.mark.django_db(transaction=True)
def test_an_invitations_email_job_is_stored_with_the_invitation(dave):
    invitation_create(actor=dave, email="nina@example.com", role="specialist", accept_url=accept_url)
    job = DBTaskResult.objects.get()
    assert job.task_path == "keyaccount.tenancy.tasks.send_invitation_email"
    assert job.args_kwargs["args"][0] == Invitation.objects.get().pk


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_invitation_leaves_no_email_job(dave):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        invitation_create(actor=dave, email="nina@example.com", role="specialist", accept_url=accept_url)
        raise Abort
    assert not Invitation.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_invitation_email(dave, mailoutbox):
    from django.core.management import call_command

    invitation_create(actor=dave, email="nina@example.com", role="specialist", accept_url=accept_url)
    call_command("db_worker", "--batch", "--no-reload", verbosity=0)
    assert [m.to for m in mailoutbox] == [["nina@example.com"]]
    assert "/invitations/" in mailoutbox[0].body
