"""Word lists of the demo data generator (no Faker: small, fixed, deterministic)."""

from __future__ import annotations

from typing import Final

# fmt: off
FIRST_NAMES: Final = (
    "Anna", "Lukas", "Sofia", "Jonas", "Marie", "Noah", "Emma", "Elias", "Léa", "Mateo", "Zoë", "Łukasz",
    "Søren", "Chloé", "José", "Björn", "Inès", "Jürgen", "Ana", "Luca", "Mia", "Paul", "Hana", "Yuki",
    "Ōta", "Aylin", "Kerem", "Olga", "Piotr", "Eva", "Giulia", "Marco", "Sara", "Tomás", "Ingrid", "Nils",
)
LAST_NAMES: Final = (
    "Müller", "Schmidt", "García", "Rossi", "Dubois", "Novák", "Kowalski", "Jensen", "Larsen", "Martin",
    "Bernard", "Fernández", "López", "Bianchi", "Wagner", "Becker", "Hoffmann", "Nagy", "Yılmaz", "Svensson",
    "Van Dijk", "De Vries", "Papadopoulos", "O'Brien", "Smith", "Dupont", "Moreau", "Kovač", "Tanaka", "Sato",
)
EMAIL_DOMAINS: Final = ("mail.example", "post.example", "inbox.example", "web.example", "customer.example")
COUNTRIES: Final = ("DE", "FR", "NL", "IT", "ES", "AT", "BE", "PL", "SE", "DK", "FI", "PT", "IE", "CZ")

STORE_WORDS: Final = (
    "Nordic", "Alpine", "Urban", "Coastal", "Golden", "Blue", "Green", "Little", "Grand", "Smart", "Happy",
    "Royal", "Bright", "Silver", "Wild", "Modern", "Classic", "Rapid", "Quiet", "Sunny",
)
STORE_NOUNS: Final = (
    "Home", "Outfitters", "Electronics", "Kitchen", "Garden", "Sports", "Books", "Toys", "Fashion", "Beauty",
    "Tools", "Gadgets", "Living", "Pets", "Bikes", "Music", "Optics", "Bazaar", "Market", "Supply",
)
STORE_SUFFIXES: Final = ("GmbH", "SARL", "B.V.", "S.r.l.", "AB", "ApS", "S.L.", "Ltd", "Store", "Shop")

BRAND_PARTS_A: Final = (
    "Aur", "Vel", "Nor", "Kai", "Lum", "Zen", "Or", "Sol", "Ter", "Mar", "Flu", "Gri", "Hel", "Ix", "Jor",
    "Kel", "Lyr", "Mor", "Nix", "Pal", "Qu", "Rho", "Sil", "Tav", "Ul", "Vor", "Wex", "Yar", "Zel", "Brü",
)
BRAND_PARTS_B: Final = (
    "ora", "ex", "dic", "ro", "ina", "ith", "tek", "ana", "ion", "ova", "ix", "len", "mo", "tra", "us",
    "ade", "ia", "on", "ex", "vo",
)

ROOT_CATEGORIES: Final = (
    "Electronics", "Home & Garden", "Fashion", "Sports & Outdoors", "Beauty", "Toys & Games", "Books",
    "Food & Drink", "Health", "Automotive", "Pet Supplies", "Office",
)
SUB_CATEGORIES: Final = (
    "Audio", "Cameras", "Phones", "Laptops", "Lighting", "Furniture", "Kitchen", "Bedding", "Shoes",
    "Jackets", "Bags", "Running", "Cycling", "Camping", "Skin Care", "Fragrance", "Puzzles", "Board Games",
    "Novels", "Cookbooks", "Coffee", "Tea", "Snacks", "Vitamins", "Car Care", "Cat", "Dog", "Stationery",
    "Accessories", "Spare Parts",
)

ADJECTIVES: Final = (
    "Wireless", "Compact", "Premium", "Classic", "Ultra", "Eco", "Portable", "Smart", "Vintage", "Deluxe",
    "Organic", "Ergonomic", "Waterproof", "Foldable", "Handmade", "Crème", "Größe XL", "Édition Limitée",
)
NOUNS: Final = (
    "Headphones", "Lamp", "Backpack", "Kettle", "Chair", "Sneakers", "Jacket", "Speaker", "Camera", "Tent",
    "Mug", "Blender", "Watch", "Notebook", "Bottle", "Pillow", "Helmet", "Charger", "Puzzle", "Coffee Beans",
)

DESCRIPTION_SENTENCES: Final = (
    "Designed for everyday use, it combines durable materials with a timeless look.",
    "The housing is made of recycled aluminium and feels solid in the hand.",
    "Ships in plastic-free packaging from our warehouse in Rotterdam.",
    "Crème brûlée – 東京 edition: a small batch made with our partners in Japan.",
    "Pflegehinweis: bei 30 °C waschen, nicht im Trockner trocknen.",
    "Idéal pour les week-ends à la montagne comme pour la vie en ville.",
    "Batteries last up to 30 hours on a single charge (measured at 50 % volume).",
    "Please note: colours may vary slightly from the photos.",
    "Compatible with all standard USB-C chargers; cable included, adapter sold separately.",
    "Each piece is inspected by hand before it leaves the workshop.",
    "Dimensions: 24 × 18 × 9 cm, weight about 650 g.",
    "Our customers love it for its quiet operation and simple controls.",
    "Made in Portugal by a family business that has been weaving since 1952.",
    "Garantie: 2 ans pièces et main-d'œuvre, retour gratuit sous 30 jours.",
    "The matte finish resists fingerprints and is easy to clean with a damp cloth.",
    "Works with the free companion app on iOS and Android.",
    "Zutaten: Hafer, Honig, Mandeln (kann Spuren von Erdnüssen enthalten).",
    "A best-seller since 2019, now in a new, lighter version.",
    "Perfect as a gift – we wrap it for free on request 🎁.",
    "Contains no PVC, BPA or phthalates and meets EN 71 safety standards.",
    "Available in five colours; the limited 'Fjord' colour is only sold online.",
    "Smørrebrød-sized portions, made for one hungry person or two polite ones.",
    "Set includes: 1 main unit, 2 spare filters, quick-start guide in 12 languages.",
    "Water resistant to 5 ATM – fine for swimming, not for diving.",
    "The frame is tested to carry up to 120 kg.",
    "Lavable en machine, séchage à l'air libre recommandé.",
    "Energieeffizienzklasse A, Verbrauch 0,5 W im Standby.",
    "Sourced from certified farms; roasted weekly in small batches.",
    "Questo prodotto è disponibile anche in versione da viaggio.",
    "Please allow 2–3 business days for engraving.",
)
REVIEW_TITLES: Final = (
    "Great value", "Does the job", "Not as described", "Love it!", "Broke after a week", "Perfect gift",
    "Très bien", "Sehr zufrieden", "Okay for the price", "Would buy again", "Disappointed",
    "Excellent quality",
)
REVIEW_SENTENCES: Final = (
    "Arrived quickly and well packed.",
    "The quality is better than I expected.",
    "Sizing runs a bit small, order one size up.",
    "Stopped working after two weeks, support replaced it without questions.",
    "Exactly like the pictures.",
    "Battery life is shorter than advertised.",
    "Super Preis-Leistungs-Verhältnis!",
    "Livraison rapide, produit conforme.",
    "My kids use it every day.",
    "The instructions were only in English, which was a pity.",
    "Colour is slightly different from the photo but still nice.",
    "Would not recommend, the seams came apart.",
    "Five stars, no complaints.",
    "Bought a second one for my parents.",
)
BANNER_TITLES: Final = (
    "Summer Sale – up to 50 % off", "New arrivals", "Free shipping this weekend", "Black Friday deals",
    "Back to school", "Winter essentials", "Rentrée : nos offres", "Sommerschlussverkauf", "Gift ideas",
)
ADMIN_ACTIONS: Final = ("update", "create", "delete", "login", "export", "publish", "refund")
ADMIN_ACTION_WEIGHTS: Final = (40, 20, 5, 20, 5, 7, 3)
ADMIN_ENTITIES: Final = ("product", "offer", "banner", "user", "category", "setting", "media_file")
CHANGED_FIELDS: Final = ("price", "stock", "name", "is_active", "description", "category_id", "ends_at")

SETTINGS: Final = (
    ("shop.name", "Maat Demo Shop", "Shown in the page title"),
    ("shop.default_locale", "de_DE", None),
    ("shop.locales", "de_DE,fr_FR,nl_NL,it_IT,es_ES,en_GB", "Comma-separated"),
    ("shop.currency", "EUR", "The only currency"),
    ("shop.timezone", "Europe/Berlin", None),
    ("checkout.min_order_value", "10.00", "In EUR"),
    ("checkout.free_shipping_from", "49.00", "In EUR"),
    ("checkout.max_items", "99", None),
    ("checkout.guest_enabled", "true", None),
    ("payment.providers", "card,paypal,sepa,klarna", None),
    ("payment.capture_delay_hours", "24", None),
    ("shipping.carriers", "dhl,dpd,ups,postnl", None),
    ("shipping.cutoff_time", "14:00", "Orders before are shipped the same day"),
    ("tax.prices_include_vat", "true", None),
    ("tax.default_rate", "19.0", "Percent"),
    ("media.r2_bucket", "shop-media-eu", "Cloudflare R2 bucket"),
    ("media.cdn_base_url", "https://cdn.shop.example", None),
    ("media.max_upload_mb", "25", None),
    ("search.engine", "postgres_fts", "Was 'mysql_fulltext' before the migration"),
    ("search.results_per_page", "48", None),
    ("ratings.moderation", "post", "pre | post | off"),
    ("ratings.min_length", "20", None),
    ("mail.from", "noreply@shop.example", None),
    ("mail.batch_size", "500", None),
    ("security.session_minutes", "120", None),
    ("security.password_min_length", "12", None),
    ("feature.new_checkout", "false", "Dark launch"),
    ("feature.wishlist", "true", None),
    ("feature.recommendations", "true", None),
    ("maintenance.enabled", "false", None),
)
# fmt: on
