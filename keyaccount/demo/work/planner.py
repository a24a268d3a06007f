"""The demo's working loop: projects, a few months of interactions, client requests and team tasks.

`WorkPlanner` draws, from the same seeded generator as the rest of the demo, what the agency has been
doing for its live clients over the last ninety days and what waits for today; `WorkWriter` writes it
through the services, acting as the person who would do each thing. Times are planned as (days from
today, hour, minute) in the organization's zone, so the same seed gives the same data on the same day.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from keyaccount.accounts.models import AccountStatus, Tier
from keyaccount.comms.models import Direction, InteractionKind, InteractionState
from keyaccount.demo import data as d
from keyaccount.demo.work import data as wd
from keyaccount.demo.work.plan import (
    HISTORY_DAYS,
    LIVE,
    AccountWork,
    InteractionWork,
    ProjectWork,
    RequestWork,
    TaskWork,
    When,
    discipline_of,
)
from keyaccount.work.models import ProjectStage, RequestChannel, TaskPriority, TaskStatus
from keyaccount.work.services import Decision

if TYPE_CHECKING:
    from keyaccount.demo.plan import AccountPlan, ContactPlan

# --- the plan ---------------------------------------------------------------------------------------


class WorkPlanner:
    """Plans the working loop of every account; writes nothing."""

    def __init__(self, rng: random.Random, today: datetime.date, accounts: list[AccountPlan]) -> None:
        self.rng = rng
        self.today = today
        self.accounts = accounts

    def plan(self) -> dict[int, AccountWork]:
        live = [p for p in self.accounts if p.status in LIVE]
        self.make_sure_specialist1_works(live)
        work = {p.index: self.plan_account(p) for p in self.accounts}
        self.plan_manager_days(live, work)
        self.plan_manager_tasks(live, work)
        self.plan_specialist_days(live, work)
        self.cover_every_status(work)
        return work

    def make_sure_specialist1_works(self, live: list[AccountPlan]) -> None:
        """The printed specialist login must have a day to work: put them on a live team if no team has them."""
        if live and not any(1 in p.specialists for p in live):
            live[0].specialists.append(1)

    # helpers

    def time(self) -> tuple[int, int]:
        return self.rng.randint(10, 17), self.rng.choice([0, 15, 30, 45])

    def when(self, day: int) -> When:
        return (day, *self.time())

    def due(self, day: int) -> When:
        return (day, self.rng.choice([12, 15, 18, 18, 19]), 0)

    def people(self, plan: AccountPlan) -> tuple[str, str | None, dict[str, str]]:
        """(account manager, assistant or None, specialist per discipline) of the account team."""
        specialists: dict[str, str] = {}
        for n in plan.specialists:
            specialists.setdefault(discipline_of(n), f"specialist{n}")
        assistant = f"assistant{plan.assistant}" if plan.assistant else None
        return f"am{plan.am}", assistant, specialists

    def present(self, plan: AccountPlan, role: str, day: int) -> bool:
        """The contact with `role` exists and still worked at the client on `day`."""
        contact = self.contact(plan, role)
        return contact is not None and (
            contact.left_on is None or contact.left_on > self.today + datetime.timedelta(day)
        )

    @staticmethod
    def contact(plan: AccountPlan, role: str) -> ContactPlan | None:
        return next((c for c in plan.contacts if c.role == role), None)

    def age(self, plan: AccountPlan) -> int:
        return (self.today - (plan.signed_on or self.today)).days

    # one account

    def plan_account(self, plan: AccountPlan) -> AccountWork:
        work = AccountWork()
        work.projects = self.plan_projects(plan)
        if plan.status == AccountStatus.PAUSED:
            work.interactions = self.plan_pause_call(plan)
        if plan.status not in LIVE:
            return work
        work.requests = self.plan_requests(plan, work)
        work.tasks = self.plan_tasks(plan, work)
        work.interactions = self.plan_interactions(plan)
        return work

    def plan_pause_call(self, plan: AccountPlan) -> list[InteractionWork]:
        """A paused client is still kept warm: the call where the pause was agreed."""
        roles = [r for r in ("decision_maker", "champion") if self.present(plan, r, -30)]
        if not roles:
            return []
        subject = wd.PAUSE_CALL[plan.lang]
        comment = next((c for status, _r, c in plan.path if status == AccountStatus.PAUSED), "")
        return [
            InteractionWork(
                kind=InteractionKind.CALL,
                direction=Direction.INBOUND,
                when=self.when(-self.rng.randint(20, 60)),
                subject=subject,
                by=f"am{plan.am}",
                summary=comment,
                sentiment=0,
                duration=self.rng.randint(15, 30),
                contacts=roles,
                users=[f"am{plan.am}"],
            )
        ]

    def money(self, plan: AccountPlan, rub: int) -> Decimal:
        """`rub` roubles in the account's currency, rounded as people quote it."""
        rate = d.RUB_PER[plan.currency]
        step = 1000 if rate == 1 else 100
        return max(Decimal(rub) / rate / step, Decimal(1)).quantize(Decimal(1)) * step

    def plan_projects(self, plan: AccountPlan) -> list[ProjectWork]:
        rng, today, lang = self.rng, self.today, plan.lang
        am, assistant, specialists = self.people(plan)
        # Key clients buy more; a standard client mostly one service.
        by_tier: dict[str, int] = {Tier.KEY: 3, Tier.STRATEGIC: 2}
        most = by_tier.get(plan.tier, 1 if rng.random() < 0.8 else 2)
        disciplines = list(specialists)[:most]
        if plan.status == AccountStatus.CHURNED:
            return []  # its work ended with the contract
        if plan.status not in LIVE:
            disciplines = disciplines[:1]
        elif plan.tier != Tier.STANDARD and len(disciplines) < 3 and rng.random() < 0.4:
            disciplines.append("extra")
        signed_on = plan.signed_on or today
        deal = int(plan.deal_value_rub)
        projects = []
        for i, discipline in enumerate(disciplines):
            starts_on = min(signed_on + datetime.timedelta(days=rng.randint(0, 20)), today)
            ends_on = None
            if plan.status == AccountStatus.PAUSED:
                stage = ProjectStage.ON_HOLD
            elif plan.status == AccountStatus.ONBOARDING and i > 0:
                stage = ProjectStage.PLANNED
                starts_on = today + datetime.timedelta(days=rng.randint(3, 20))
            elif plan.status == AccountStatus.AT_RISK and i > 0 and rng.random() < 0.5:
                stage = ProjectStage.ON_HOLD
            elif i > 0 and self.age(plan) > 200 and rng.random() < 0.25:
                stage = ProjectStage.COMPLETED
                ends_on = today - datetime.timedelta(days=rng.randint(10, 80))
                starts_on = min(starts_on, ends_on - datetime.timedelta(days=90))
            else:
                stage = ProjectStage.IN_PROGRESS
                if rng.random() < 0.5:
                    ends_on = today + datetime.timedelta(days=rng.randint(60, 300))
            share = 0.15 if discipline == "extra" else rng.uniform(0.3, 0.6)
            team = [am]
            if discipline in specialists:
                team.append(specialists[discipline])
            if assistant and rng.random() < 0.5:
                team.append(assistant)
            goals = []
            for description, metric, target in rng.sample(
                wd.PROJECT_GOALS[lang][discipline],
                1 if plan.tier == Tier.STANDARD else rng.randint(1, min(2, len(wd.PROJECT_GOALS[lang][discipline]))),
            ):
                goal: dict[str, Any] = {"description": description, "metric": metric, "target_value": target}
                if stage in (ProjectStage.COMPLETED, ProjectStage.CANCELLED) and ends_on:
                    goal["target_date"] = ends_on
                    if stage == ProjectStage.COMPLETED:
                        goal["achieved_on"] = ends_on - datetime.timedelta(days=rng.randint(0, 20))
                else:
                    goal["target_date"] = today + datetime.timedelta(days=rng.randint(30, 240))
                goals.append(goal)
            projects.append(
                ProjectWork(
                    discipline=discipline,
                    name=rng.choice(wd.PROJECT_NAMES[lang][discipline]),
                    stage=stage,
                    budget=self.money(plan, int(deal * share)),
                    scope=wd.PROJECT_SCOPES[lang][discipline],
                    starts_on=starts_on,
                    ends_on=ends_on,
                    team=team,
                    goals=goals,
                )
            )
        return projects

    def task_for(self, plan: AccountPlan, work: AccountWork, discipline: str | None, created: int) -> TaskWork:
        """A task of the discipline (or the account manager's own), its due date and status drawn around today."""
        rng, lang = self.rng, plan.lang
        am, assistant, specialists = self.people(plan)
        if discipline is None or discipline not in specialists:
            title, result = rng.choice(wd.TASKS[lang]["am"])
            assignee: str | None = assistant if assistant and rng.random() < 0.4 else am
            project = None
        else:
            title, result = rng.choice(wd.TASKS[lang][discipline])
            assignee = specialists[discipline]
            project = next((i for i, p in enumerate(work.projects) if p.discipline == discipline), None)
        task = TaskWork(title=title, expected_result=result, assignee=assignee, created=created, due=None, lang=lang)
        task.project = project
        span = min(HISTORY_DAYS, self.age(plan))
        bucket = rng.choices(["past", "recent", "today", "soon", "later", "none"], [30, 22, 12, 15, 16, 5])[0]
        due_day = {
            "past": -rng.randint(8, 40),
            "recent": -rng.randint(1, 7),
            "today": 0,
            "soon": rng.randint(1, 3),
            "later": rng.randint(4, 21),
            "none": None,
        }[bucket]
        if due_day is not None:
            due_day = max(due_day, created + 1, -span + 1)
            task.due = self.due(due_day)
        task.status = self.status_for(due_day)
        task.priority = rng.choices(list(TaskPriority.values), [15, 55, 22, 8])[0]
        self.finish_details(plan, task)
        return task

    def status_for(self, due_day: int | None) -> str:
        s, rng = TaskStatus, self.rng
        if due_day is None:
            return rng.choice([s.NEW, s.IN_PROGRESS])
        if due_day < -7:
            weights = {s.DONE: 84, s.CANCELLED: 6, s.IN_PROGRESS: 5, s.BLOCKED: 5}
        elif due_day < 0:
            weights = {s.DONE: 40, s.IN_PROGRESS: 25, s.REVIEW: 15, s.BLOCKED: 10, s.NEW: 10}
        elif due_day == 0:
            weights = {s.IN_PROGRESS: 50, s.NEW: 30, s.REVIEW: 20}
        else:
            weights = {s.NEW: 50, s.IN_PROGRESS: 35, s.BLOCKED: 8, s.REVIEW: 5, s.CANCELLED: 2}
        return rng.choices(list(weights), list(weights.values()))[0]

    def finish_details(self, plan: AccountPlan, task: TaskWork) -> None:
        """Reasons, a moved deadline, the finishing time, a checklist and comments, as the status needs."""
        rng, lang = self.rng, plan.lang
        am = f"am{plan.am}"
        if task.status == TaskStatus.BLOCKED:
            task.reason = rng.choice(wd.BLOCK_REASONS[lang])
        if task.status == TaskStatus.CANCELLED:
            task.reason = rng.choice(wd.CANCEL_REASONS[lang])
        if task.due is not None and rng.random() < 0.12:
            day, hour, minute = task.due
            first = max(day - rng.randint(2, 7), task.created + 1)
            if first < day:
                task.first_due = (first, hour, minute)
                task.move_reason = rng.choice(wd.DUE_MOVE_REASONS[lang])
        if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
            due_day = task.due[0] if task.due else 0
            day = min(due_day + rng.choice([-2, -1, 0, 0, 0, 1, 2]), -1 if due_day < 0 else 0)
            task.finished = (max(day, task.created), *self.time())
        if rng.random() < 0.15:
            steps = wd.CHECKLISTS[lang][: rng.randint(3, 5)]
            task.checklist = list(steps)
            done_by_status: dict[str, int] = {
                TaskStatus.DONE: len(steps),
                TaskStatus.REVIEW: len(steps) - 1,
                TaskStatus.IN_PROGRESS: rng.randint(1, len(steps) - 1),
                TaskStatus.BLOCKED: rng.randint(0, len(steps) - 2),
            }
            task.steps_done = done_by_status.get(task.status, 0)
        if task.status != TaskStatus.NEW and rng.random() < 0.2:
            texts = rng.sample(wd.TASK_COMMENTS[lang], rng.randint(1, 2))
            authors = [task.assignee or am, am]
            task.comments = [(authors[i % 2], text) for i, text in enumerate(texts)]

    def plan_requests(self, plan: AccountPlan, work: AccountWork) -> list[RequestWork]:
        rng = self.rng
        if plan.status == AccountStatus.ONBOARDING:
            count = 1
        elif plan.tier == Tier.KEY:
            count = rng.randint(2, 3)
        elif plan.tier == Tier.STRATEGIC:
            count = rng.randint(1, 2)
        else:
            count = rng.choice([0, 1, 1])
        outcomes = rng.choices(["accept", "new", "reject", "quote"], [48, 12, 16, 24], k=count)
        return [self.request_for(plan, work, outcome) for outcome in outcomes]

    def request_for(self, plan: AccountPlan, work: AccountWork, outcome: str, detail: str = "") -> RequestWork:
        """One client request; `detail` picks the case: over/fresh (new), the rejection reason, yes/no/pending."""
        rng, lang = self.rng, plan.lang
        am, assistant, specialists = self.people(plan)
        span = min(HISTORY_DAYS, self.age(plan))
        asking = [r for r in ("champion", "user", "decision_maker", "influencer") if self.present(plan, r, 0)]
        channel = rng.choice([c for c in RequestChannel.values if c != RequestChannel.PORTAL])
        request = RequestWork(
            channel=channel,
            text="",
            contact=rng.choice(asking) if asking else None,
            received=self.when(-rng.randint(2, max(2, min(60, span - 1)))),
            outcome=outcome,
            by=assistant if assistant and rng.random() < 0.3 else am,
            triage_hours=rng.randint(1, 6) if rng.random() < 0.88 else rng.randint(30, 60),
        )
        if outcome == "new":
            detail = detail or rng.choice(["over", "fresh"])
            if detail == "fresh":
                request.received = (0, 0, 0)
                request.fresh_minutes = rng.randint(10, 150)
            else:
                request.received = self.when(-min(rng.randint(3, 8), max(3, span - 1)))
        if outcome in ("new", Decision.ACCEPT):
            discipline = rng.choice(list(specialists)) if specialists else None
            task = self.task_for(plan, work, discipline, request.received[0])
            request.text = wd.REQUESTS[lang]["accept"].format(task=task.title[0].lower() + task.title[1:])
            request.project = task.project
            if outcome == Decision.ACCEPT:
                request.tasks = [task]
                if rng.random() < 0.2:
                    request.tasks.append(self.task_for(plan, work, discipline, request.received[0]))
        elif outcome == Decision.REJECT:
            request.reason = detail or rng.choice(["harmful", "absurd", "duplicate", "out_of_scope"])
            request.text = rng.choice(wd.REQUESTS[lang][request.reason])  # type: ignore[literal-required]  # a rejection key
            request.explanation = wd.REJECT_EXPLANATIONS[lang][request.reason]
        else:
            request.text = rng.choice(wd.REQUESTS[lang]["quote"])
            request.quote_amount = self.money(plan, rng.randrange(20, 300) * 1000)
            request.project = next((i for i, p in enumerate(work.projects) if p.discipline == "extra"), None)
            detail = detail or rng.choices(["yes", "no", "pending"], [40, 25, 35])[0]
            request.answer = {"yes": True, "no": False, "pending": None}[detail]
            if request.answer:
                task = self.task_for(plan, work, None, request.received[0])
                task.project = request.project
                request.tasks = [task]
        return request

    def plan_tasks(self, plan: AccountPlan, work: AccountWork) -> list[TaskWork]:
        """The team's own tasks on the account, beside those that came from requests."""
        rng = self.rng
        _am, _assistant, specialists = self.people(plan)
        by_tier: dict[str, int] = {Tier.KEY: rng.randint(2, 3), Tier.STRATEGIC: rng.randint(1, 2)}
        count = by_tier.get(plan.tier, rng.choice([0, 0, 1]))
        span = min(HISTORY_DAYS, self.age(plan))
        tasks = []
        for _n in range(count):
            discipline = rng.choice([*specialists, None]) if specialists else None
            created = -rng.randint(1, max(1, span - 1))
            tasks.append(self.task_for(plan, work, discipline, created))
        return tasks

    def plan_interactions(self, plan: AccountPlan) -> list[InteractionWork]:
        """About ninety days of touches: regular calls and messages with the champion, meetings with the
        decision maker (rarer on accounts at risk, so they come up as due), an event, a note."""
        rng, lang = self.rng, plan.lang
        am, assistant, specialists = self.people(plan)
        at_risk = plan.status == AccountStatus.AT_RISK
        span = max(2, min(HISTORY_DAYS, self.age(plan)))
        texts = wd.INTERACTIONS[lang]
        out: list[InteractionWork] = []

        def touch(kind: str, day: int, roles: list[str]) -> InteractionWork | None:
            roles = [r for r in roles if self.present(plan, r, day)]
            if kind != InteractionKind.NOTE and not roles:
                return None
            subject, summary, next_step = rng.choice(texts[kind])
            if kind == InteractionKind.NOTE:
                direction = Direction.INTERNAL
            elif kind in (InteractionKind.EMAIL, InteractionKind.MESSENGER):
                direction = rng.choice([Direction.INBOUND, Direction.OUTBOUND])
            else:
                direction = Direction.OUTBOUND if rng.random() < 0.75 else Direction.INBOUND
            # Who wrote an email, a message or a note is its logger; calls, meetings and events list who took part.
            users = [] if kind in ("email", "messenger", "note") else [am]
            if users and assistant and rng.random() < 0.25:
                users.append(assistant)
            if kind == InteractionKind.MEETING and specialists and rng.random() < 0.5:
                users.append(rng.choice(list(specialists.values())))
            negative = at_risk and kind != InteractionKind.NOTE and rng.random() < 0.45
            if negative:
                subject, summary = rng.choice(wd.NEGATIVE_INTERACTIONS[lang])
                sentiment: int | None = rng.choice([-2, -1, -1])
            elif kind == InteractionKind.NOTE or rng.random() < 0.15:
                sentiment = None
            else:
                sentiment = rng.choices([-1, 0, 1, 2], [1, 5, 8, 4])[0]
            durations = {"call": (10, 40), "meeting": (45, 90), "event": (180, 480)}
            low_high = durations.get(kind)
            interaction = InteractionWork(
                kind=kind,
                direction=direction,
                when=self.when(day),
                subject=subject,
                by=assistant if assistant and kind in ("email", "messenger") and rng.random() < 0.4 else am,
                summary=summary,
                sentiment=sentiment,
                duration=rng.randint(*low_high) if low_high else None,
                next_step=next_step,
                contacts=roles,
                users=users,
            )
            out.append(interaction)
            return interaction

        gaps: dict[str, tuple[int, int]] = {Tier.KEY: (11, 16), Tier.STRATEGIC: (18, 26)}
        gap = gaps.get(plan.tier, (45, 60))
        # Counted back from the latest touch, a few days ago: who is due depends on the last touch only.
        day = -rng.randint(1, 8)
        while day > -span:
            kind = rng.choices(["call", "messenger", "email"], [5, 3, 2])[0]
            first = "champion" if self.present(plan, "champion", day) else rng.choice(["influencer", "user"])
            # Emails copy the people around the champion; calls often take in the user of our work.
            also = ["economic_buyer", "influencer", "gatekeeper"] if kind == "email" else ["user"]
            roles = [first] + ([rng.choice(also)] if rng.random() < 0.5 else [])
            touch(kind, day, roles)
            day -= rng.randint(*gap)
        # The decision maker: monthly on healthy key accounts, once on the others, long ago on those at risk.
        if at_risk:
            meeting_days = [-rng.randint(40, 85)]
        elif plan.tier == Tier.STANDARD:
            meeting_days = [-rng.randint(8, 40)] if rng.random() < 0.6 else []
        else:
            first_meeting = -rng.randint(3, 25)
            meeting_days = [first_meeting - 30 * k for k in range(3 if plan.tier == Tier.KEY else 2)]
        for meeting_day in meeting_days:
            if meeting_day > -span:
                roles = ["decision_maker", "champion", *rng.sample(["economic_buyer", "influencer", "user"], 2)]
                touch(InteractionKind.MEETING, meeting_day, roles)
        if plan.tier == Tier.KEY or rng.random() < 0.08:
            event_day = -rng.randint(5, span - 1) if span > 6 else -1
            touch(InteractionKind.EVENT, event_day, ["decision_maker", "influencer"])
        if rng.random() < 0.1:
            touch(InteractionKind.NOTE, -rng.randint(1, span - 1), [])
        out.sort(key=lambda i: i.when)
        if at_risk:
            # What put the account at risk shows in its latest conversation.
            last = next((i for i in reversed(out) if i.kind != InteractionKind.NOTE), None)
            if last is not None and (last.sentiment is None or last.sentiment >= 0):
                last.subject, last.summary = rng.choice(wd.NEGATIVE_INTERACTIONS[lang])
                last.sentiment = -1
        if out and rng.random() < 0.35:
            kind = rng.choice([InteractionKind.CALL, InteractionKind.MEETING])
            out[-1].follow_up = (kind, self.when(rng.randint(1, 10)), wd.PLANNED[lang][kind])
        if out and rng.random() < 0.08:
            planned = touch(InteractionKind.MEETING, -rng.randint(2, 20), ["decision_maker", "champion"])
            if planned is not None:
                planned.state, planned.sentiment, planned.summary, planned.cancelled = (
                    InteractionState.PLANNED,
                    None,
                    "",
                    True,
                )
                out.remove(planned)
                out.insert(0, planned)
        for interaction in out:
            recent = interaction.when[0] >= -20 and interaction.state == InteractionState.DONE
            if recent and interaction.next_step and interaction.kind != "note" and rng.random() < 0.15:
                discipline = rng.choice([*specialists, None]) if specialists else None
                task = self.task_for(plan, AccountWork(), discipline, interaction.when[0])
                task.title = interaction.next_step
                task.project, task.checklist, task.steps_done = None, [], 0  # a next step is a bare task
                interaction.task = task
        return out

    # the day of each person

    def plan_manager_days(self, live: list[AccountPlan], work: dict[int, AccountWork]) -> None:
        """Every account manager starts today with a call and a meeting planned, requests waiting for triage
        (one already past its response target), and every kind of triage decision somewhere in their portfolio."""
        by_am: dict[int, list[AccountPlan]] = {}
        for plan in live:
            by_am.setdefault(plan.am, []).append(plan)
        covered = [
            (Decision.REJECT, "harmful"),
            (Decision.REJECT, "absurd"),
            (Decision.REJECT, "duplicate"),
            (Decision.REJECT, "out_of_scope"),
            (Decision.QUOTE, "yes"),
            (Decision.QUOTE, "no"),
            (Decision.QUOTE, "pending"),
            (Decision.ACCEPT, ""),
        ]
        for n, plans in sorted(by_am.items()):
            first = plans[0]
            w = work[first.index]
            w.requests.append(self.request_for(first, w, "new", "over"))
            w.requests.append(self.request_for(first, w, "new", "fresh"))
            if n == min(by_am):
                for i, (outcome, detail) in enumerate(covered):
                    plan = plans[i % len(plans)]
                    work[plan.index].requests.append(self.request_for(plan, work[plan.index], outcome, detail))
            held = [
                (plan, i)
                for plan in plans
                for i in reversed(work[plan.index].interactions)
                if i.state == InteractionState.DONE and i.contacts and i.by == f"am{n}"
            ]
            for (plan, interaction), (kind, hour, minute) in zip(
                held[:2], [(InteractionKind.CALL, 11, 30), (InteractionKind.MEETING, 15, 0)], strict=False
            ):
                interaction.follow_up = (kind, (0, hour, minute), wd.PLANNED[plan.lang][kind])

    def plan_manager_tasks(self, live: list[AccountPlan], work: dict[int, AccountWork]) -> None:
        """Every account manager has one of their own tasks overdue and one due today."""
        seen: set[int] = set()
        for plan in live:
            if plan.am in seen:
                continue
            seen.add(plan.am)
            for due_day, status in [(-1, TaskStatus.IN_PROGRESS), (0, TaskStatus.NEW)]:
                title, result = self.rng.choice(wd.TASKS[plan.lang]["am"])
                task = TaskWork(
                    title=title,
                    expected_result=result,
                    assignee=f"am{plan.am}",
                    created=due_day - self.rng.randint(2, 6),
                    due=(due_day, 17, 0),
                    status=status,
                    priority=TaskPriority.HIGH,
                    forced=True,
                    lang=plan.lang,
                )
                self.finish_details(plan, task)
                work[plan.index].tasks.append(task)

    def plan_specialist_days(self, live: list[AccountPlan], work: dict[int, AccountWork]) -> None:
        """Every specialist on a live team has an overdue task, one due today and one due tomorrow."""
        seen: set[int] = set()
        for plan in live:
            for n in plan.specialists:
                if n in seen:
                    continue
                seen.add(n)
                w = work[plan.index]
                cases = [(-2, TaskStatus.IN_PROGRESS, TaskPriority.HIGH), (0, TaskStatus.NEW, TaskPriority.URGENT)]
                cases.append((1, TaskStatus.REVIEW, TaskPriority.NORMAL))
                for due_day, status, priority in cases:
                    title, result = self.rng.choice(wd.TASKS[plan.lang][discipline_of(n)])
                    task = TaskWork(
                        title=title,
                        expected_result=result,
                        assignee=f"specialist{n}",
                        created=due_day - self.rng.randint(3, 10),
                        due=(due_day, 18, 0),
                        status=status,
                        priority=priority,
                        forced=True,
                        lang=plan.lang,
                    )
                    task.project = next((i for i, p in enumerate(w.projects) if p.discipline == discipline_of(n)), None)
                    self.finish_details(plan, task)
                    w.tasks.append(task)

    def cover_every_status(self, work: dict[int, AccountWork]) -> None:
        """A small demo still shows every task status: a missing one is given to a task that could have it."""
        tasks = [t for w in work.values() for t in w.all_tasks() if not t.forced]
        for status in TaskStatus.values:
            if any(t.status == status for t in tasks):
                continue
            candidates = [t for t in tasks if t.due is not None and t.due[0] < 0] if status == TaskStatus.DONE else []
            for task in candidates or tasks:
                if sum(1 for t in tasks if t.status == task.status) > 1:
                    task.status = status
                    task.reason, task.finished = "", None
                    if status == TaskStatus.BLOCKED:
                        task.reason = self.rng.choice(wd.BLOCK_REASONS[task.lang])
                    elif status == TaskStatus.CANCELLED:
                        task.reason = self.rng.choice(wd.CANCEL_REASONS[task.lang])
                    if status in (TaskStatus.DONE, TaskStatus.CANCELLED):
                        task.finished = (min((task.due or (-1, 0, 0))[0], -1), 16, 0)
                    task.steps_done = len(task.checklist) if status == TaskStatus.DONE else 0
                    break
