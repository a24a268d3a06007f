"""Texts for the demo's working loop: projects, their goals, tasks, requests and interactions, in Russian
and English. Nothing here is random: the planner draws from these lists with its seeded generator."""

from __future__ import annotations

from typing import TypedDict

# --- the working loop: projects, requests, tasks, interactions ----------------------------------

# The default catalogue's service for each discipline (work.services.DEFAULT_SERVICES).
SERVICE_OF = {"seo": "SEO", "ppc": "Contextual advertising", "smm": "SMM", "web": "Web development"}
EXTRA_WORKS = "Extra works"

PROJECT_NAMES = {
    "ru": {
        "seo": ["SEO-продвижение сайта", "SEO: рост органического трафика"],
        "ppc": ["Контекстная реклама: Яндекс Директ", "Performance-кампании"],
        "smm": ["Ведение соцсетей", "SMM и работа с блогерами"],
        "web": ["Редизайн сайта", "Разработка личного кабинета"],
        "extra": ["Дополнительные работы"],
    },
    "en": {
        "seo": ["Search engine optimisation", "SEO: organic growth"],
        "ppc": ["Paid search campaigns", "Performance marketing"],
        "smm": ["Social media management", "SMM and influencers"],
        "web": ["Website redesign", "Customer portal development"],
        "extra": ["Extra works"],
    },
}
PROJECT_SCOPES = {
    "ru": {
        "seo": "Аудит, семантическое ядро, техническая оптимизация, контент-план, ежемесячный отчёт о позициях.",
        "ppc": "Настройка и ведение кампаний в поиске и РСЯ, аналитика, A/B-тесты объявлений, еженедельные отчёты.",
        "smm": "Контент-план, 12 публикаций в месяц, таргетированная реклама, модерация комментариев.",
        "web": "Прототипы, дизайн, вёрстка, интеграция с CRM, запуск и месяц гарантийной поддержки.",
        "extra": "Разовые работы по заявкам клиента сверх договора, по согласованной смете.",
    },
    "en": {
        "seo": "Audit, keyword research, technical fixes, content plan, monthly ranking report.",
        "ppc": "Search and display campaigns, analytics, ad copy A/B tests, weekly reports.",
        "smm": "Content plan, 12 posts a month, paid social, comment moderation.",
        "web": "Wireframes, design, build, CRM integration, launch and a month of warranty support.",
        "extra": "One-off work the client asks for beyond the contract, on an agreed estimate.",
    },
}
# (goal, target metric, target value)
PROJECT_GOALS = {
    "ru": {
        "seo": [
            ("Топ-10 по 30 ключевым запросам", "запросов в топ-10", "30"),
            ("Рост органического трафика на 40%", "визиты из поиска в месяц", "+40%"),
        ],
        "ppc": [
            ("Снизить стоимость заявки на 20%", "стоимость заявки", "−20%"),
            ("200 заявок в месяц из рекламы", "заявок в месяц", "200"),
        ],
        "smm": [
            ("Вовлечённость 5% в основных соцсетях", "ER", "5%"),
            ("50 000 подписчиков", "подписчиков", "50000"),
        ],
        "web": [
            ("Запустить новый сайт", "релиз", "в продакшене"),
            ("Конверсия сайта 2,5%", "конверсия в заявку", "2,5%"),
        ],
        "extra": [("Закрыть разовые задачи клиента в срок", "задач в срок", "100%")],
    },
    "en": {
        "seo": [
            ("Top-10 for 30 key queries", "queries in the top 10", "30"),
            ("Organic traffic up 40%", "organic visits a month", "+40%"),
        ],
        "ppc": [
            ("Cost per lead down 20%", "cost per lead", "−20%"),
            ("200 leads a month from ads", "leads a month", "200"),
        ],
        "smm": [
            ("5% engagement on the main networks", "engagement rate", "5%"),
            ("50,000 followers", "followers", "50000"),
        ],
        "web": [("Launch the new site", "release", "live"), ("Site conversion 2.5%", "lead conversion", "2.5%")],
        "extra": [("Finish the client's one-off tasks on time", "tasks on time", "100%")],
    },
}

# (task title, expected result) per discipline; "am" tasks are the account manager's own.
TASKS = {
    "ru": {
        "seo": [
            (
                "Собрать семантику для нового раздела каталога",
                "Кластеризованное ядро в таблице, согласованное с клиентом",
            ),
            ("Исправить дубли страниц после переезда", "Дубли закрыты от индексации, редиректы настроены"),
            ("Подготовить отчёт по позициям за месяц", "Отчёт с динамикой и комментариями"),
            ("Написать ТЗ на 10 статей для блога", "ТЗ у копирайтера"),
            ("Проверить скорость загрузки мобильной версии", "Список правок для разработчиков"),
        ],
        "ppc": [
            ("Запустить кампанию на новую коллекцию", "Кампания в работе, бюджет распределён"),
            ("Перенастроить ставки по регионам", "Стоимость заявки в регионах не выше плана"),
            ("A/B-тест объявлений для акции", "Победивший вариант и выводы"),
            ("Настроить цели и передачу заявок в CRM", "Заявки видны в отчётах с источником"),
            ("Почистить минус-слова", "Доля нецелевых кликов ниже 10%"),
        ],
        "smm": [
            ("Контент-план на следующий месяц", "План согласован с клиентом"),
            ("Подготовить посты к акции", "8 постов с визуалом на согласовании"),
            ("Найти трёх блогеров для интеграции", "Список с охватами и ценами"),
            ("Ответить на негативные отзывы", "Все отзывы с ответом в течение дня"),
        ],
        "web": [
            ("Сверстать новую карточку товара", "Карточка на тестовом стенде"),
            ("Интеграция формы заявки с CRM", "Заявки с сайта приходят в CRM"),
            ("Исправить ошибки после обновления", "Ошибки закрыты, проверено на тесте"),
            ("Подготовить прототип лендинга", "Прототип у клиента на согласовании"),
        ],
        "am": [
            ("Подготовить ежемесячный отчёт клиенту", "Отчёт отправлен и обсуждён на звонке"),
            ("Согласовать смету на доп. работы", "Подписанная смета"),
            ("Собрать обратную связь по запуску", "Заметка с выводами в карточке клиента"),
            ("Напомнить про подписание акта", "Акт подписан"),
        ],
    },
    "en": {
        "seo": [
            ("Keyword research for the new catalogue section", "Clustered keyword list agreed with the client"),
            ("Fix duplicate pages after the migration", "Duplicates de-indexed, redirects in place"),
            ("Monthly ranking report", "Report with trends and comments"),
            ("Briefs for 10 blog articles", "Briefs with the copywriter"),
            ("Check mobile page speed", "List of fixes for the developers"),
        ],
        "ppc": [
            ("Launch the campaign for the new collection", "Campaign live, budget split"),
            ("Rebalance bids by region", "Cost per lead in every region within plan"),
            ("A/B test the promotion's ads", "Winning variant and what we learnt"),
            ("Set up goals and lead hand-off to the CRM", "Leads show in reports with their source"),
            ("Clean up negative keywords", "Irrelevant clicks under 10%"),
        ],
        "smm": [
            ("Content plan for next month", "Plan agreed with the client"),
            ("Posts for the promotion", "8 posts with visuals sent for approval"),
            ("Find three influencers for a collaboration", "Shortlist with reach and prices"),
            ("Answer the negative reviews", "Every review answered within a day"),
        ],
        "web": [
            ("Build the new product page", "Page on the staging server"),
            ("Connect the lead form to the CRM", "Site leads arrive in the CRM"),
            ("Fix the bugs after the update", "Bugs closed and checked on staging"),
            ("Landing page wireframe", "Wireframe with the client for approval"),
        ],
        "am": [
            ("Prepare the client's monthly report", "Report sent and walked through on a call"),
            ("Agree the estimate for the extra work", "Signed estimate"),
            ("Collect feedback on the launch", "Notes with conclusions on the account"),
            ("Chase the signed acceptance certificate", "Certificate signed"),
        ],
    },
}
CHECKLISTS = {
    "ru": ["Собрать вводные", "Сделать черновик", "Внутренняя проверка", "Согласовать с клиентом", "Выложить"],
    "en": ["Gather the inputs", "Draft", "Internal review", "Agree with the client", "Publish"],
}
TASK_COMMENTS = {
    "ru": [
        "Взял в работу, вопросы напишу сюда.",
        "Клиент прислал правки, учёл.",
        "Нужен доступ к аналитике — запросил у клиента.",
        "Черновик готов, посмотрите, пожалуйста.",
        "Клиент просит ускорить, это важно для акции.",
    ],
    "en": [
        "On it; questions will go here.",
        "The client sent changes; done.",
        "Need access to analytics; asked the client.",
        "Draft ready, please have a look.",
        "The client asks us to hurry; it matters for the promotion.",
    ],
}
DUE_MOVE_REASONS = {
    "ru": ["Клиент сдвинул запуск акции", "Ждём материалы от клиента", "Приоритет отдан срочной задаче"],
    "en": ["The client moved the promotion", "Waiting for the client's materials", "An urgent task came first"],
}
BLOCK_REASONS = {
    "ru": ["Нет доступа к рекламному кабинету", "Ждём согласования бюджета", "Клиент не прислал контент"],
    "en": ["No access to the ad account", "Waiting for the budget approval", "The client has not sent the content"],
}
CANCEL_REASONS = {
    "ru": ["Клиент передумал", "Неактуально после смены стратегии"],
    "en": ["The client changed their mind", "No longer relevant after the strategy change"],
}


# Client requests: accepted ones per discipline come from TASKS; these are the ones the AM filters out.
class RequestTexts(TypedDict):
    """Client requests, in one language: the accepted one's template and the ones the AM filters out."""

    accept: str
    harmful: list[str]
    absurd: list[str]
    duplicate: list[str]
    out_of_scope: list[str]
    quote: list[str]


REQUESTS: dict[str, RequestTexts] = {
    "ru": {
        "accept": "Просьба: {task}",
        "harmful": [
            "Купить ссылки на сомнительных сайтах, чтобы быстрее выйти в топ",
            "Накрутить подписчиков перед презентацией инвесторам",
        ],
        "absurd": ["Сделать так, чтобы сайт был первым по слову «купить»", "Гарантировать 1000 заявок в день с завтра"],
        "duplicate": ["Ещё раз про обновление баннеров на главной", "Повторно: отчёт за прошлый месяц"],
        "out_of_scope": ["Настроить бухгалтерию в 1С", "Снять рекламный ролик для ТВ"],
        "quote": ["Сделать мобильное приложение для программы лояльности", "Перевести сайт на английский язык"],
    },
    "en": {
        "accept": "Please: {task}",
        "harmful": [
            "Buy links on dubious sites to reach the top faster",
            "Buy followers before the investor presentation",
        ],
        "absurd": ["Make the site rank first for the word 'buy'", "Guarantee 1,000 leads a day starting tomorrow"],
        "duplicate": ["Again about the home page banners", "Once more: last month's report"],
        "out_of_scope": ["Set up our accounting software", "Shoot a TV commercial"],
        "quote": ["Build a mobile app for the loyalty programme", "Translate the site into German"],
    },
}
REJECT_EXPLANATIONS = {
    "ru": {
        "harmful": "Это риск санкций поисковиков и удар по репутации; предложили безопасную альтернативу.",
        "absurd": "Объяснили, почему это невозможно, и предложили реалистичную цель.",
        "duplicate": "Уже в работе по предыдущей заявке, дали ссылку на задачу.",
        "out_of_scope": "Не наш профиль; порекомендовали проверенного подрядчика.",
    },
    "en": {
        "harmful": "It risks search penalties and the brand; we offered a safe alternative.",
        "absurd": "Explained why it cannot be done and proposed a realistic goal.",
        "duplicate": "Already in progress under the earlier request; sent the task link.",
        "out_of_scope": "Not what we do; recommended a trusted contractor.",
    },
}

# (subject, summary, next step) per kind of interaction.
INTERACTIONS = {
    "ru": {
        "call": [
            ("Статус-звонок", "Прошлись по задачам недели, клиент доволен темпом.", "Отправить итоги письмом"),
            ("Звонок по результатам месяца", "Обсудили отчёт: заявки растут, стоимость в плане.", ""),
            ("Срочный звонок", "Клиент обеспокоен падением трафика, объяснили причины.", "Подготовить план действий"),
        ],
        "meeting": [
            (
                "Встреча по итогам квартала",
                "Показали результаты, обсудили планы на следующий квартал.",
                "Прислать план",
            ),
            ("Встреча с собственником", "Обсудили цели бизнеса и бюджет на год.", "Подготовить предложение"),
        ],
        "email": [
            ("Отчёт за месяц", "Отправили отчёт с комментариями.", ""),
            ("Согласование макетов", "Клиент прислал правки к макетам.", "Внести правки"),
        ],
        "messenger": [
            ("Вопрос по акции", "Клиент уточнил сроки акции, подтвердили запуск.", ""),
            ("Быстрый вопрос", "Ответили на вопрос о бюджете на месяц.", ""),
        ],
        "event": [("Отраслевая конференция", "Встретились на конференции, познакомились с новым директором.", "")],
        "note": [("Заметка", "Клиент готовит ребрендинг — возможность для доп. работ.", "")],
    },
    "en": {
        "call": [
            ("Status call", "Went through the week's tasks; the client is happy with the pace.", "Send the summary"),
            ("Monthly results call", "Walked through the report: leads up, cost on plan.", ""),
            ("Urgent call", "The client worries about a traffic drop; explained why.", "Prepare an action plan"),
        ],
        "meeting": [
            ("Quarterly review", "Showed the results, discussed next quarter's plans.", "Send the plan"),
            ("Meeting with the owner", "Discussed the business goals and the year's budget.", "Prepare a proposal"),
        ],
        "email": [
            ("Monthly report", "Sent the report with comments.", ""),
            ("Mock-up approval", "The client sent changes to the mock-ups.", "Make the changes"),
        ],
        "messenger": [
            ("Question about the promotion", "The client checked the promotion dates; confirmed the launch.", ""),
            ("Quick question", "Answered a question about the month's budget.", ""),
        ],
        "event": [("Industry conference", "Met at the conference; got to know the new director.", "")],
        "note": [("Note", "The client is planning a rebrand: a chance for extra work.", "")],
    },
}
NEGATIVE_INTERACTIONS = {
    "ru": [
        ("Жалоба клиента", "Клиент недоволен стоимостью заявки и сроками, просит план исправления."),
        ("Сложный разговор", "Клиент сомневается, продлевать ли договор."),
    ],
    "en": [
        ("Complaint", "The client is unhappy with the cost per lead and the delays; wants a recovery plan."),
        ("Difficult conversation", "The client is unsure whether to renew."),
    ],
}
PAUSE_CALL = {"ru": "Звонок о паузе в работах", "en": "Call about pausing the work"}
PLANNED = {
    "ru": {"call": "Звонок по задачам недели", "meeting": "Встреча по плану на месяц"},
    "en": {"call": "Weekly tasks call", "meeting": "Monthly planning meeting"},
}
