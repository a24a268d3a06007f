"""Word pools for the demo organization: a digital agency's clients, their people and what was sold.

Fictitious names built from stems and industry words; texts in Russian for Russian companies and
in English for the others. Nothing here is random: the planner (`keyaccount.demo.planner`) draws from
these lists with its own seeded generator. The working loop's texts are in `keyaccount.demo.work.data`.
"""

from __future__ import annotations

from typing import TypedDict

# --- our side -----------------------------------------------------------------------------------

# What the agency's specialists do; specialist n works in DISCIPLINES[(n - 1) % 4].
DISCIPLINES = ["seo", "ppc", "smm", "web"]
DISCIPLINE_LABELS = {"seo": "SEO", "ppc": "contextual ads", "smm": "SMM", "web": "web development"}

# --- people -------------------------------------------------------------------------------------

RU_MALE = [
    "Алексей", "Андрей", "Дмитрий", "Сергей", "Михаил", "Иван", "Николай", "Павел", "Артём", "Максим",
    "Владимир", "Игорь", "Олег", "Роман", "Евгений", "Константин", "Григорий", "Тимур", "Руслан", "Степан",
]  # fmt: skip
RU_FEMALE = [
    "Анна", "Елена", "Мария", "Ольга", "Татьяна", "Наталья", "Ирина", "Екатерина", "Светлана", "Юлия",
    "Дарья", "Ксения", "Полина", "Алина", "Виктория", "Вера", "Людмила", "Марина",
]  # fmt: skip
# Male forms; the female form adds "а" (Иванов → Иванова), or "-ский" becomes "-ская".
RU_SURNAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов", "Петров",
    "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов", "Семёнов", "Голубев", "Виноградов", "Богданов",
    "Воробьёв", "Фёдоров", "Михайлов", "Беляев", "Тарасов", "Белов", "Комаров", "Орлов", "Киселёв", "Макаров",
    "Андреев", "Ковалёв", "Ильин", "Гусев", "Титов", "Кузьмин", "Кудрявцев", "Баранов", "Куликов", "Алексеев",
    "Степанов", "Яковлев", "Сорокин", "Сергеев", "Романов", "Захаров", "Борисов", "Королёв", "Герасимов",
    "Григорьев", "Лазарев", "Ершов", "Никитин", "Соболев", "Рябов", "Поляков", "Цветков", "Данилов", "Жуков",
    "Фролов", "Николаев", "Крылов", "Осипов", "Егоров", "Матвеев", "Бобров", "Калинин", "Антонов", "Марков",
    "Миронов", "Шестаков", "Громов", "Фомин", "Давыдов", "Мельников", "Щербаков", "Карпов", "Власов", "Тихонов",
    "Вишневский", "Покровский", "Островский", "Завьялов", "Лукин", "Назаров", "Чернов", "Воронцов",
]  # fmt: skip

EN_MALE = [
    "James", "Oliver", "Daniel", "Thomas", "Michael", "David", "Richard", "Peter", "Mark", "Andrew",
    "Simon", "Lucas", "Henry", "George", "Samuel", "Jonas", "Marco", "Felix",
]  # fmt: skip
EN_FEMALE = [
    "Emma", "Olivia", "Sophie", "Charlotte", "Emily", "Hannah", "Laura", "Rachel", "Sarah", "Julia",
    "Claire", "Megan", "Grace", "Nina", "Lena", "Chiara",
]  # fmt: skip
EN_SURNAMES = [
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Walker", "Wright",
    "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke", "Jackson",
    "Turner", "Hill", "Moore", "Cooper", "Ward", "Morris", "King", "Baker", "Harper", "Fischer", "Weber",
    "Schneider", "Novak", "Kowalski", "Jensen", "Larsen", "Berg", "Costa", "Rossi", "Moreau", "Laurent",
]  # fmt: skip


def ru_surname(surname: str, female: bool) -> str:
    if not female:
        return surname
    if surname.endswith("ский"):
        return surname[:-4] + "ская"
    return surname + "а"


# --- client companies ---------------------------------------------------------------------------

RU_STEMS = [
    "Альфа", "Вектор", "Гранит", "Орион", "Сибирь", "Волга", "Нева", "Кедр", "Меридиан", "Прогресс",
    "Полюс", "Азимут", "Сфера", "Стрела", "Парус", "Форпост", "Байкал", "Алтай", "Зенит", "Радуга",
    "Северный", "Гелиос", "Лотос", "Атлас", "Титан", "Феникс", "Янтарь", "Изумруд", "Восход", "Пульс",
    "Эталон", "Магистраль", "Ладога", "Ока", "Кама", "Онега",
]  # fmt: skip
EN_STEMS = [
    "Northwind", "Bluefin", "Redwood", "Silverline", "Brightpath", "Evergreen", "Ironbridge", "Stonegate",
    "Clearwater", "Summit", "Harbor", "Pinecrest", "Skyline", "Lighthouse", "Oakridge", "Westfield",
    "Greenleaf", "Foxglove", "Riverbend", "Sunrise", "Copperfield", "Maple", "Highland", "Crescent",
    "Sterling", "Falcon", "Aurora", "Cobalt", "Meadow", "Bayview",
]  # fmt: skip

# (industry, kind, Russian name words, English name words, disciplines such a client usually buys)
INDUSTRIES = [
    ("E-commerce", "b2c", ["Маркет", "Шоп"], ["Store", "Market"], ["seo", "ppc", "smm"]),
    ("Real estate development", "b2c", ["Девелопмент", "Строй"], ["Development", "Estates"], ["ppc", "web", "smm"]),
    ("Car dealership", "b2c", ["Авто", "Моторс"], ["Motors", "Auto"], ["ppc", "seo"]),
    ("Private healthcare", "b2c", ["Мед", "Клиник"], ["Clinic", "Health"], ["seo", "ppc", "web"]),
    ("Education", "b2c", ["Академия", "Школа"], ["Academy", "Learning"], ["ppc", "smm", "web"]),
    ("Manufacturing", "b2b", ["Пром", "Индустрия"], ["Manufacturing", "Industries"], ["seo", "web"]),
    ("Logistics", "b2b", ["Логистик", "Транс"], ["Logistics", "Freight"], ["seo", "ppc"]),
    ("Restaurants", "b2c", ["Фуд", "Гриль"], ["Kitchen", "Foods"], ["smm", "ppc"]),
    ("Fintech", "b2c", ["Финанс", "Пэй"], ["Pay", "Capital"], ["ppc", "web", "seo"]),
    ("B2B software", "b2b", ["Софт", "Системс"], ["Software", "Systems"], ["seo", "ppc", "web"]),
    ("Travel", "b2c", ["Тур", "Трэвел"], ["Travel", "Tours"], ["ppc", "smm", "seo"]),
    ("Building materials", "b2b", ["Кровля", "Бетон"], ["Materials", "Build"], ["seo", "ppc"]),
    ("Beauty and cosmetics", "b2c", ["Бьюти", "Косметик"], ["Beauty", "Cosmetics"], ["smm", "ppc"]),
    ("Furniture", "b2c", ["Мебель", "Интерьер"], ["Furniture", "Interiors"], ["seo", "ppc", "smm"]),
    ("Legal and consulting", "b2b", ["Консалт", "Право"], ["Consulting", "Legal"], ["seo", "web"]),
    ("Agriculture and food production", "b2b", ["Агро", "Продукт"], ["Agro", "Farms"], ["web", "smm"]),
    ("Fitness", "b2c", ["Фитнес", "Спорт"], ["Fitness", "Sport"], ["smm", "ppc"]),
    ("Industrial equipment", "b2b", ["Техника", "Энерго"], ["Equipment", "Energy"], ["seo", "ppc", "web"]),
]
HOLDING_INDUSTRY = "Diversified holding"

RU_LEGAL_FORMS = ["ООО", "ООО", "ООО", "АО", "ПАО"]
EN_LEGAL_FORMS = ["Ltd", "LLC", "GmbH", "Inc.", "FZ-LLC"]

RU_CITIES = [
    "Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск", "Казань", "Нижний Новгород", "Краснодар",
    "Самара", "Ростов-на-Дону", "Пермь", "Воронеж", "Тюмень",
]  # fmt: skip
# Abroad: (city, phone prefix, currency)
ABROAD = [
    ("London", "+44 20", "USD"),
    ("Berlin", "+49 30", "EUR"),
    ("Dubai", "+971 4", "USD"),
    ("Almaty", "+7 727", "USD"),
    ("Limassol", "+357 25", "EUR"),
    ("Belgrade", "+381 11", "EUR"),
    ("Tbilisi", "+995 32", "USD"),
    ("Riga", "+371 67", "EUR"),
]

# Approximate roubles per unit, to express a deal value in the account's currency.
RUB_PER = {"RUB": 1, "USD": 90, "EUR": 100}

TAGS = [
    "e-commerce",
    "holding",
    "federal",
    "regional",
    "export",
    "upsell potential",
    "referral",
    "tender",
    "seasonal",
    "multi-year",
]
SEASONAL_INDUSTRIES = {"Travel", "Fitness", "Agriculture and food production", "Building materials"}

# --- what was sold ------------------------------------------------------------------------------

SOLD = {
    "ru": {
        "seo": [
            "SEO-продвижение: технический аудит, семантика, ежемесячные работы по контенту и ссылкам",
            "SEO для каталога: аудит, структура разделов, оптимизация карточек товаров",
        ],
        "ppc": [
            "Контекстная реклама: настройка и ведение кампаний в Яндекс Директ",
            "Контекст: поисковые и товарные кампании, сквозная аналитика, ежемесячная оптимизация",
        ],
        "smm": [
            "SMM: ведение сообщества ВКонтакте и Telegram-канала, контент-план, таргетированная реклама",
            "SMM: производство контента и интеграции с блогерами",
        ],
        "web": [
            "Разработка сайта: редизайн, адаптивная вёрстка, интеграция с 1С и CRM",
            "Поддержка и развитие сайта, 40 часов разработки в месяц",
        ],
    },
    "en": {
        "seo": [
            "SEO: technical audit, keyword research, monthly on-page and content work",
            "SEO for the catalogue: audit, category structure, product page optimisation",
        ],
        "ppc": [
            "Contextual ads: Yandex Direct and Google Ads campaigns, set-up and management",
            "Search and shopping campaigns with end-to-end analytics, optimised monthly",
        ],
        "smm": [
            "SMM: community management, content plan and paid social",
            "SMM: content production and influencer campaigns",
        ],
        "web": [
            "Web development: redesign, responsive build, CRM integration",
            "Website support and development, 40 developer hours a month",
        ],
    },
}
PROMISES = {
    "ru": [
        "Первые заявки из контекста через две недели после запуска",
        "Рост органического трафика на 30% за шесть месяцев",
        "Ежемесячный отчёт в первый рабочий день месяца",
        "Выделенный аккаунт-менеджер, ответ в течение 4 рабочих часов",
        "Бесплатный аудит конкурентов в первый месяц",
        "Новый сайт запущен до начала сезона",
    ],
    "en": [
        "First leads from paid search within two weeks of launch",
        "Organic traffic up 30% in six months",
        "A monthly report on the first working day of the month",
        "A dedicated account manager who answers within 4 working hours",
        "A free competitor audit in the first month",
        "The new site live before the season starts",
    ],
}
EXPECTATIONS = {
    "ru": [
        "Снизить стоимость заявки хотя бы на 20%",
        "Понятная отчётность без агентского жаргона",
        "Больше заявок из регионов",
        "Топ-10 Яндекса по ключевым запросам категории",
        "Сайт, который не стыдно показать инвесторам",
        "Стабильный поток заявок для отдела продаж",
    ],
    "en": [
        "Cost per lead down by at least 20%",
        "Clear reporting without agency jargon",
        "More leads from the regions",
        "Top-10 positions for the category's key queries",
        "A website they are proud to show investors",
        "A steady flow of leads for the sales team",
    ],
}

# --- client context -----------------------------------------------------------------------------

# kind -> [(subject, change, impact)]; "{competitor}" is replaced by a rival's name.
FORCES = {
    "ru": {
        "supplier": [
            ("Поставщики сырья", "Закупочные цены выросли на 15–20% после смены поставщика", "negative"),
            ("Ключевой поставщик", "Открыл склад в регионе: сроки поставки сократились вдвое", "positive"),
            ("Импортные комплектующие", "Поставки идут через третьи страны, сроки непредсказуемы", "negative"),
        ],
        "customer": [
            ("Покупатели", "Всё чаще приходят с маркетплейсов и сравнивают цены", "negative"),
            ("Корпоративные клиенты", "Переходят на долгосрочные контракты", "positive"),
            ("Покупатели из регионов", "Доля заказов из регионов выросла до трети", "positive"),
        ],
        "competitor": [
            ("{competitor}", "Запустил агрессивную рекламу в Директе и перебивает ставки", "negative"),
            ("{competitor}", "Ушёл из региона — освободилась доля рынка", "positive"),
            ("{competitor}", "Снизил цены на 10% на основную линейку", "negative"),
        ],
        "substitute": [
            ("Маркетплейсы", "Часть продаж уходит на Ozon и Wildberries", "negative"),
            ("Онлайн-сервисы", "Клиенты привыкли к онлайн-записи и оплате — спрос на удобство растёт", "positive"),
            ("In-house команды", "Крупные клиенты собирают собственный отдел маркетинга", "negative"),
        ],
    },
    "en": {
        "supplier": [
            ("Raw material suppliers", "Purchase prices up 15–20% after a change of supplier", "negative"),
            ("Key supplier", "Opened a regional warehouse; delivery times halved", "positive"),
            ("Imported components", "Deliveries now go through third countries; lead times unpredictable", "negative"),
        ],
        "customer": [
            ("Consumers", "Increasingly arrive from marketplaces and compare prices", "negative"),
            ("Corporate customers", "Moving to long-term contracts", "positive"),
            ("Regional customers", "Orders from the regions have grown to a third", "positive"),
        ],
        "competitor": [
            ("{competitor}", "Launched aggressive paid search and outbids us", "negative"),
            ("{competitor}", "Left the region, freeing market share", "positive"),
            ("{competitor}", "Cut prices by 10% on the core range", "negative"),
        ],
        "substitute": [
            ("Marketplaces", "Part of the sales moves to Amazon-style marketplaces", "negative"),
            (
                "Online services",
                "Customers expect online booking and payment; demand for convenience grows",
                "positive",
            ),
            ("In-house teams", "Large customers are building their own marketing departments", "negative"),
        ],
    },
}
GOALS = {
    "ru": [
        "Увеличить долю онлайн-продаж до 40% выручки к концу года",
        "Снизить стоимость привлечения клиента на 25% при том же объёме заявок",
        "Выйти в три новых региона и получить там первые 500 клиентов",
        "Сделать сайт основным каналом заявок для отдела продаж",
        "Укрепить бренд перед запуском новой линейки",
        "Удержать выручку на уровне прошлого года при падающем рынке",
        "Заполнить загрузку в межсезонье за счёт онлайн-продаж",
        "Подготовить компанию к привлечению инвестиций: прозрачные метрики маркетинга",
    ],
    "en": [
        "Grow online sales to 40% of revenue by the end of the year",
        "Cut customer acquisition cost by 25% at the same lead volume",
        "Enter three new regions and win the first 500 customers there",
        "Make the website the sales team's main source of leads",
        "Strengthen the brand before the new product line launches",
        "Hold revenue at last year's level in a shrinking market",
        "Fill the off-season with online sales",
        "Prepare for an investment round: transparent marketing metrics",
    ],
}

# --- lifecycle ----------------------------------------------------------------------------------


class StatusComments(TypedDict):
    """What the history says when an account changes status, in one language."""

    active: str
    at_risk: list[str]
    paused: list[str]
    churned: str


STATUS_COMMENTS: dict[str, StatusComments] = {
    "ru": {
        "active": "Онбординг завершён, работы идут по плану",
        "at_risk": [
            "Клиент недоволен ростом стоимости заявки",
            "Сорваны сроки запуска сайта, клиент раздражён",
            "Новый маркетолог клиента сомневается в нашей работе",
        ],
        "paused": ["Сезонная пауза до весны", "Бюджет заморожен до нового финансового года"],
        "churned": "Клиент расторг договор",
    },
    "en": {
        "active": "Onboarding finished, work on plan",
        "at_risk": [
            "The client is unhappy with the rising cost per lead",
            "The site launch slipped; the client is annoyed",
            "The client's new marketer doubts our work",
        ],
        "paused": ["Seasonal pause until spring", "Budget frozen until the new financial year"],
        "churned": "The client ended the contract",
    },
}
CHURN_REASONS = [
    "price",
    "quality",
    "results",
    "competitor",
    "in_house",
    "budget_cut",
    "contact_left",
    "bankruptcy",
    "reorganization",
]

# --- stakeholders -------------------------------------------------------------------------------

# Creation order: everyone's boss is created before them (reports-to forms the org chart).
ROLE_ORDER = ["decision_maker", "economic_buyer", "champion", "influencer", "gatekeeper", "blocker", "user"]
REPORTS_TO = {
    "decision_maker": None,
    "economic_buyer": "decision_maker",
    "champion": "decision_maker",
    "influencer": "decision_maker",
    "gatekeeper": "decision_maker",
    "blocker": "economic_buyer",
    "user": "champion",
}
TITLES = {
    "ru": {
        "decision_maker": ["Генеральный директор", "Собственник", "Управляющий директор"],
        "economic_buyer": ["Финансовый директор", "Коммерческий директор"],
        "champion": ["Директор по маркетингу", "Руководитель digital-направления", "Бренд-менеджер"],
        "influencer": ["Коммерческий директор", "IT-директор", "Руководитель отдела продаж"],
        "user": ["Контент-менеджер", "Маркетолог", "Менеджер интернет-магазина"],
        "blocker": ["Руководитель отдела закупок", "Юрист", "Руководитель in-house маркетинга"],
        "gatekeeper": ["Помощник генерального директора", "Офис-менеджер"],
    },
    "en": {
        "decision_maker": ["CEO", "Founder & CEO", "Managing Director"],
        "economic_buyer": ["CFO", "Chief Commercial Officer"],
        "champion": ["Head of Marketing", "Digital Marketing Lead", "Brand Manager"],
        "influencer": ["Sales Director", "CTO", "Head of E-commerce"],
        "user": ["Content Manager", "Marketing Specialist", "Online Store Manager"],
        "blocker": ["Head of Procurement", "Legal Counsel", "Head of In-house Marketing"],
        "gatekeeper": ["Executive Assistant to the CEO", "Office Manager"],
    },
}
TOP_BOSS = {"ru": "Совет директоров", "en": "Board of directors"}
REPORTING_GOALS = {
    "ru": {
        "decision_maker": "Выручка и прибыль компании, доля рынка",
        "economic_buyer": "Исполнение бюджета, стоимость привлечения клиента",
        "champion": "Количество и стоимость заявок, трафик сайта",
        "influencer": "План продаж и выполнение его отделом",
        "user": "Сроки публикаций и качество контента",
        "blocker": "Сокращение подрядчиков и затрат",
        "gatekeeper": "Календарь и поручения руководителя",
    },
    "en": {
        "decision_maker": "Revenue, profit and market share",
        "economic_buyer": "Budget adherence, customer acquisition cost",
        "champion": "Lead volume and cost per lead, site traffic",
        "influencer": "The sales team's quota",
        "user": "Publishing deadlines and content quality",
        "blocker": "Fewer vendors, lower costs",
        "gatekeeper": "The CEO's calendar and errands",
    },
}
MOTIVATION = {
    "ru": {
        "decision_maker": ["Готовит компанию к продаже, нужен рост", "Ценит скорость и личное внимание"],
        "economic_buyer": ["Отвечает перед собственником за каждый рубль", "Любит цифры и прогнозы"],
        "champion": ["Хочет повышения — наши результаты его аргумент", "Продвигал нас на тендере"],
        "influencer": ["Нужны тёплые заявки для отдела продаж", "Боится нагрузки на IT-команду"],
        "user": ["Хочет меньше ручной работы", "Учится у нас, ценит обучение"],
        "blocker": ["Считает, что in-house дешевле", "Продвигал другое агентство"],
        "gatekeeper": ["Бережёт время руководителя", "Ценит вежливость и пунктуальность"],
    },
    "en": {
        "decision_maker": ["Preparing the company for sale; needs growth", "Values speed and personal attention"],
        "economic_buyer": ["Answers to the owner for every pound spent", "Likes numbers and forecasts"],
        "champion": ["Wants a promotion; our results are the argument", "Backed us in the tender"],
        "influencer": ["Needs warm leads for the sales team", "Worries about load on the IT team"],
        "user": ["Wants less manual work", "Learns from us, values the training"],
        "blocker": ["Believes in-house is cheaper", "Backed another agency"],
        "gatekeeper": ["Guards the CEO's time", "Values courtesy and punctuality"],
    },
}
PERSONAL_NOTES = {
    "ru": [
        "Любит подробные отчёты с графиками",
        "Не звонить до 11:00",
        "Болеет за «Зенит»",
        "Двое детей, в августе в отпуске",
        "Предпочитает короткие сообщения в Telegram",
        "Раньше работал с конкурентом — сравнивает",
    ],
    "en": [
        "Likes detailed reports with charts",
        "Don't call before 11:00",
        "Keen marathon runner",
        "Two children; away in August",
        "Prefers short messages",
        "Worked with a rival agency before; compares",
    ],
}
CHANNEL = {
    "decision_maker": ["meeting", "phone"],
    "economic_buyer": ["email"],
    "champion": ["messenger", "phone"],
    "influencer": ["email", "meeting"],
    "user": ["task_tracker", "messenger"],
    "blocker": ["email"],
    "gatekeeper": ["phone", "email"],
}
CADENCE = {
    "decision_maker": 30,
    "economic_buyer": 30,
    "champion": 7,
    "influencer": 14,
    "user": 7,
    "blocker": 30,
    "gatekeeper": 30,
}
INFLUENCE = {
    "decision_maker": (5, 5),
    "economic_buyer": (4, 5),
    "champion": (3, 4),
    "influencer": (3, 4),
    "user": (1, 2),
    "blocker": (3, 4),
    "gatekeeper": (2, 2),
}
