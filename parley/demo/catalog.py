"""The demo shop's catalog, customers and help content: an industrial and CNC parts supplier.

Generated deterministically (no randomness), so tests, evals and screenshots always see the same shop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product as cartesian

__all__ = [
    "DEMO_CUSTOMERS",
    "DEMO_FAQS",
    "DemoArticle",
    "DemoCustomer",
    "DemoFaq",
    "DemoProduct",
    "demo_articles",
    "demo_products",
]

VAT = Decimal("19")


@dataclass(frozen=True, slots=True)
class DemoProduct:
    """One catalog entry with its opening stock."""

    sku: str
    name: str
    category: str
    price: Decimal
    description: str
    unit: str = "pcs"
    on_hand: int = 100
    reorder_point: int = 10
    attributes: dict[str, str] = field(default_factory=dict)


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _stock(index: int) -> tuple[int, int]:
    """Opening stock and reorder point: most items plenty, every 9th low, every 23rd sold out."""
    if index % 23 == 7:
        return 0, 5
    if index % 9 == 4:
        return 3 + index % 4, 10
    return 40 + (index * 37) % 460, 10


def _aluminium() -> list[DemoProduct]:
    items = []
    for alloy, factor in (("6061-T6", 1.0), ("5083-H111", 1.15), ("7075-T651", 1.9)):
        for thickness in (2, 3, 5, 8, 10, 12, 15, 20, 25):
            for width, length in ((500, 500), (1000, 500)):
                area = width * length / 1_000_000
                price = _money(area * thickness * 2.7 * 6.5 * factor + 4)
                sku = f"AL-{alloy.split('-')[0]}-{thickness:02d}-{width}x{length}"
                items.append(
                    DemoProduct(
                        sku=sku,
                        name=f"Aluminium plate {alloy} {thickness} mm {width}x{length}",
                        category="Aluminium plate",
                        price=price,
                        description=(
                            f"{alloy} aluminium plate, {thickness} mm thick, cut to {width} x {length} mm, "
                            f"with mill certificate EN 10204 3.1. Good machinability for CNC milling."
                        ),
                        attributes={
                            "alloy": alloy,
                            "thickness_mm": str(thickness),
                            "size_mm": f"{width}x{length}",
                        },
                    )
                )
    return items


def _bar_stock() -> list[DemoProduct]:
    items = []
    for (grade, grade_name, density_price), diameter in cartesian(
        (
            ("S235", "steel S235JR", 1.4),
            ("1.4301", "stainless steel 1.4301 (304)", 4.9),
            ("C45", "steel C45", 1.7),
        ),
        (10, 16, 20, 25, 30, 40, 50),
    ):
        kilos = 3.1416 * (diameter / 2000) ** 2 * 1.0 * 7850
        items.append(
            DemoProduct(
                sku=f"RB-{grade.replace('.', '')}-{diameter:02d}-1000",
                name=f"Round bar {grade_name} {diameter} mm x 1000 mm",
                category="Bar stock",
                price=_money(kilos * density_price + 3),
                unit="bar",
                description=f"Bright drawn round bar, {grade_name}, diameter {diameter} mm h9, length 1000 mm.",
                attributes={"material": grade_name, "diameter_mm": str(diameter), "length_mm": "1000"},
            )
        )
    return items


def _fasteners() -> list[DemoProduct]:
    items = []
    for (size, pitch_price), length, (grade, grade_name, factor) in cartesian(
        (("M5", 0.05), ("M6", 0.06), ("M8", 0.09), ("M10", 0.14), ("M12", 0.21)),
        (20, 30, 40, 60),
        (("A2", "stainless steel A2-70", 1.8), ("88Z", "steel 8.8 zinc plated", 1.0)),
    ):
        box = 50 if size in ("M5", "M6", "M8") else 25
        price = _money((pitch_price + length * 0.002) * factor * box)
        items.append(
            DemoProduct(
                sku=f"HB-{size}x{length}-{grade}",
                name=f"Hex bolt DIN 933 {size} x {length} {grade_name}, box of {box}",
                category="Fasteners",
                price=price,
                unit="box",
                description=f"Hexagon head bolts DIN 933 / ISO 4017, {size} x {length} mm, {grade_name}. {box} pieces per box.",
                attributes={
                    "thread": size,
                    "length_mm": str(length),
                    "material": grade_name,
                    "box": str(box),
                },
            )
        )
    for size, price in (("M5", 3.2), ("M6", 3.9), ("M8", 5.4), ("M10", 7.8), ("M12", 10.5)):
        items.append(
            DemoProduct(
                sku=f"HN-{size}-A2",
                name=f"Hex nut DIN 934 {size} stainless steel A2, box of 100",
                category="Fasteners",
                price=_money(price),
                unit="box",
                description=f"Hexagon nuts DIN 934 {size}, stainless steel A2. 100 pieces per box.",
                attributes={"thread": size, "material": "stainless steel A2", "box": "100"},
            )
        )
    return items


def _end_mills() -> list[DemoProduct]:
    items = []
    for diameter, flutes in cartesian((3, 4, 6, 8, 10, 12, 16, 20), (2, 3, 4)):
        price = _money(9 + diameter * 2.4 + flutes * 3.1)
        items.append(
            DemoProduct(
                sku=f"EM-C{diameter:02d}-{flutes}F",
                name=f"Carbide end mill {diameter} mm {flutes} flute",
                category="Cutting tools",
                price=price,
                description=(
                    f"Solid carbide square end mill, diameter {diameter} mm, {flutes} flutes, TiAlN coated. "
                    f"{'For aluminium and plastics.' if flutes <= 3 else 'For steel and stainless steel.'}"
                ),
                attributes={"diameter_mm": str(diameter), "flutes": str(flutes), "coating": "TiAlN"},
            )
        )
    for diameter in (3, 4, 5, 6, 8, 10, 12):
        items.append(
            DemoProduct(
                sku=f"DR-HSSCO-{diameter:02d}",
                name=f"HSS-Co twist drill {diameter} mm DIN 338",
                category="Cutting tools",
                price=_money(2.5 + diameter * 0.9),
                description=f"Cobalt high speed steel twist drill DIN 338, {diameter} mm, 135 degree split point.",
                attributes={"diameter_mm": str(diameter)},
            )
        )
    return items


def _bearings() -> list[DemoProduct]:
    specs = (
        ("608", 8, 22, 7, 1.9),
        ("6000", 10, 26, 8, 2.6),
        ("6001", 12, 28, 8, 2.8),
        ("6201", 12, 32, 10, 3.4),
        ("6202", 15, 35, 11, 3.9),
        ("6203", 17, 40, 12, 4.6),
        ("6204", 20, 47, 14, 5.9),
        ("6205", 25, 52, 15, 6.8),
        ("6305", 25, 62, 17, 9.7),
        ("6206", 30, 62, 16, 8.9),
    )
    items = []
    for code, bore, outer, width, price in specs:
        for seal, extra in (("2RS", 0.0), ("ZZ", -0.3)):
            items.append(
                DemoProduct(
                    sku=f"BR-{code}-{seal}",
                    name=f"Deep groove ball bearing {code}-{seal} {bore}x{outer}x{width} mm",
                    category="Bearings",
                    price=_money(price + extra),
                    description=(
                        f"Deep groove ball bearing {code}-{seal}, bore {bore} mm, outer diameter {outer} mm, "
                        f"width {width} mm, {'rubber sealed' if seal == '2RS' else 'metal shielded'} both sides."
                    ),
                    attributes={
                        "bore_mm": str(bore),
                        "outer_mm": str(outer),
                        "width_mm": str(width),
                        "seal": seal,
                    },
                )
            )
    return items


def _workholding_and_consumables() -> list[DemoProduct]:
    items = [
        DemoProduct(
            sku=f"ER32-{size:02d}",
            name=f"ER32 collet {size} mm",
            category="Tool holding",
            price=_money(11.9 + size * 0.15),
            description=f"ER32 spring collet DIN 6499, clamping diameter {size} mm, accuracy 0.008 mm.",
            attributes={"clamping_mm": str(size)},
        )
        for size in range(3, 21)
    ]
    items += [
        DemoProduct(
            sku="VC-125",
            name="Machine vice 125 mm precision",
            category="Workholding",
            price=Decimal("189.00"),
            description="Precision machine vice, jaw width 125 mm, opening 150 mm, hardened jaws.",
        ),
        DemoProduct(
            sku="VC-160",
            name="Machine vice 160 mm precision",
            category="Workholding",
            price=Decimal("249.00"),
            description="Precision machine vice, jaw width 160 mm, opening 200 mm, hardened jaws.",
        ),
        DemoProduct(
            sku="CL-5L",
            name="Semi-synthetic cutting fluid 5 l",
            category="Consumables",
            price=Decimal("34.90"),
            unit="can",
            description="Water-miscible semi-synthetic cutting fluid concentrate, 5 litre can, mix 5-8%.",
        ),
        DemoProduct(
            sku="CL-20L",
            name="Semi-synthetic cutting fluid 20 l",
            category="Consumables",
            price=Decimal("119.00"),
            unit="can",
            description="Water-miscible semi-synthetic cutting fluid concentrate, 20 litre can, mix 5-8%.",
        ),
    ]
    return items


def demo_products() -> list[DemoProduct]:
    """About 200 products across seven categories, with stock that is plentiful, low or sold out."""
    generated = (
        _aluminium()
        + _bar_stock()
        + _fasteners()
        + _end_mills()
        + _bearings()
        + _workholding_and_consumables()
    )
    result = []
    for index, item in enumerate(generated):
        on_hand, reorder_point = _stock(index)
        result.append(
            DemoProduct(
                sku=item.sku,
                name=item.name,
                category=item.category,
                price=item.price,
                description=item.description,
                unit=item.unit,
                on_hand=on_hand,
                reorder_point=reorder_point,
                attributes=item.attributes,
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    """A customer of the demo shop."""

    name: str
    email: str
    company: str
    tier: str
    phone: str


DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(
        "Anna Becker",
        "anna.becker@feinmechanik-becker.de",
        "Feinmechanik Becker GmbH",
        "gold",
        "+49 711 555 0101",
    ),
    DemoCustomer(
        "Luca Rossi", "luca.rossi@rossi-automazione.it", "Rossi Automazione S.r.l.", "gold", "+39 02 555 0102"
    ),
    DemoCustomer("Jonas Weber", "jonas.weber@weber-cnc.de", "Weber CNC-Technik", "silver", "+49 89 555 0103"),
    DemoCustomer(
        "Marie Dubois", "marie.dubois@atelier-dubois.fr", "Atelier Dubois", "silver", "+33 1 555 0104"
    ),
    DemoCustomer(
        "Pieter de Vries",
        "pieter@devries-machining.nl",
        "De Vries Machining B.V.",
        "silver",
        "+31 20 555 0105",
    ),
    DemoCustomer(
        "Sara Lindqvist", "sara@lindqvist-verkstad.se", "Lindqvist Verkstad AB", "bronze", "+46 8 555 0106"
    ),
    DemoCustomer(
        "Tom Hughes", "tom.hughes@hughes-fab.co.uk", "Hughes Fabrication Ltd", "bronze", "+44 161 555 0107"
    ),
    DemoCustomer(
        "Elena García",
        "elena.garcia@garcia-mecanizados.es",
        "Mecanizados García S.L.",
        "bronze",
        "+34 91 555 0108",
    ),
    DemoCustomer(
        "Karl Huber", "karl.huber@huber-maschinenbau.at", "Huber Maschinenbau", "bronze", "+43 1 555 0109"
    ),
    DemoCustomer(
        "Nina Kowalski", "nina@kowalski-precision.pl", "Kowalski Precision", "silver", "+48 22 555 0110"
    ),
    DemoCustomer("Ole Hansen", "ole@hansen-maker.dk", "Hansen Maker Space", "bronze", "+45 33 555 0111"),
    DemoCustomer(
        "Ana Ferreira", "ana.ferreira@ferreira-moldes.pt", "Ferreira Moldes Lda", "gold", "+351 21 555 0112"
    ),
)


@dataclass(frozen=True, slots=True)
class DemoArticle:
    """A help article of the demo shop."""

    title: str
    category: str
    content: str


def demo_articles() -> list[DemoArticle]:
    """The shop's policies, which the agent may quote and must not contradict."""
    return [
        DemoArticle(
            "Payment methods",
            "billing",
            "# Payment methods\n\nWe accept **bank transfer (SEPA)**, credit card (Visa, Mastercard) and PayPal.\n\n"
            "## Paying by invoice\n\nSilver and gold customers may pay by invoice within 30 days. "
            "Bronze customers pay in advance by bank transfer or card.\n\n"
            "## Bank details\n\nTransfers go to the account printed on the invoice; quote the invoice number.",
        ),
        DemoArticle(
            "Shipping and delivery",
            "delivery",
            "# Shipping and delivery\n\nOrders placed before 14:00 on a working day ship the same day from stock.\n\n"
            "## Delivery times\n\nGermany: 1-2 working days. EU: 2-5 working days. Switzerland, the UK and the rest "
            "of the world on request.\n\n"
            "## Shipping costs\n\nGermany: 9.90 EUR per order, free from 250 EUR net. EU: 19.90 EUR per order. "
            "Outside the EU we quote freight and customs papers with your order.\n\n"
            "## Cut-to-size plate\n\nPlate cut to size ships within 3 working days.",
        ),
        DemoArticle(
            "Returns and refunds",
            "returns",
            "# Returns and refunds\n\nUnused standard items can be returned within 30 days of delivery. "
            "Cut-to-size material cannot be returned.\n\n## Refunds\n\nRefunds go to the original payment method "
            "within 14 days of receiving the return.",
        ),
        DemoArticle(
            "Warranty",
            "returns",
            "# Warranty\n\nAll tools and workholding carry a 24-month warranty against manufacturing defects. "
            "Wear of cutting edges is not a defect.",
        ),
        DemoArticle(
            "Material certificates",
            "quality",
            "# Material certificates\n\nAluminium plate and steel bar ship with an inspection certificate "
            "EN 10204 3.1 on request at no extra cost. Ask for it when you order.",
        ),
        DemoArticle(
            "Opening hours and contact",
            "contact",
            "# Opening hours\n\nMonday to Friday 07:30-17:00 CET. Phone +49 711 555 0000, "
            "email sales@demo.parley.dev.\n\n## Address\n\nIndustriestraße 12, 70565 Stuttgart, Germany. "
            "Orders can be picked up there during opening hours.",
        ),
        DemoArticle(
            "Bearing seals: 2RS and ZZ",
            "products",
            "# Bearing seals: 2RS and ZZ\n\n2RS bearings have a rubber seal on both sides: they keep out dust "
            "and water and suit dirty or wet places. ZZ bearings have a metal shield on both sides: less "
            "friction, for higher speeds in clean places. Both come greased for life.",
        ),
    ]


@dataclass(frozen=True, slots=True)
class DemoFaq:
    """A question customers ask, with its variants."""

    question: str
    answer: str
    variants: tuple[str, ...]
    category: str
    language: str = "en"


DEMO_FAQS: tuple[DemoFaq, ...] = (
    DemoFaq(
        "Can I pay by bank transfer?",
        "Yes. We accept SEPA bank transfer, credit card and PayPal; silver and gold customers may pay by invoice within 30 days.",
        ("do you accept wire transfer", "can I pay with SEPA", "which payment methods do you take"),
        "billing",
    ),
    DemoFaq(
        "How fast do you deliver?",
        "Orders before 14:00 ship the same day from stock: 1-2 working days in Germany, 2-5 in the EU.",
        ("how long does shipping take", "delivery time to France", "do you ship abroad"),
        "delivery",
    ),
    DemoFaq(
        "How much does shipping cost?",
        "Within Germany 9.90 EUR per order, free from 250 EUR net; 19.90 EUR to the rest of the EU. Outside the "
        "EU we quote freight and customs papers with your order.",
        ("what are the delivery charges", "is shipping free", "shipping costs to Austria"),
        "delivery",
    ),
    DemoFaq(
        "Do you ship outside the EU?",
        "Yes, to Switzerland, the UK, Norway and the rest of the world on request: we quote freight, delivery "
        "time and customs papers with your order.",
        ("delivery to the UK", "can you send it to the USA", "do you export to non-EU countries"),
        "delivery",
    ),
    DemoFaq(
        "Can I return an item?",
        "Unused standard items within 30 days of delivery; cut-to-size material cannot be returned.",
        ("what is your return policy", "I want to send something back", "refund policy"),
        "returns",
    ),
    DemoFaq(
        "Do you cut plate to size?",
        "Yes, aluminium plate is cut to size and ships within 3 working days.",
        ("can you saw aluminium to my dimensions", "custom sizes for plates"),
        "delivery",
    ),
    DemoFaq(
        "Do you provide material certificates?",
        "Yes, an EN 10204 3.1 certificate on request at no extra cost.",
        ("mill certificate for aluminium", "3.1 certificate available"),
        "quality",
    ),
    DemoFaq(
        "Where are you located?",
        "Industriestraße 12, 70565 Stuttgart, Germany. You can pick up orders there Monday to Friday 07:30-17:00.",
        ("what is your address", "where can I pick up", "where is your shop"),
        "contact",
    ),
    DemoFaq(
        "Do you sell to private customers?",
        "Yes, we sell to businesses and private customers alike: you can order without a customer account.",
        ("do you sell to individuals", "can I order as a private person", "do I need a company to buy"),
        "billing",
    ),
    DemoFaq(
        "What is the difference between 2RS and ZZ bearings?",
        "2RS bearings are sealed with rubber on both sides: they keep out dust and water. ZZ bearings have metal "
        "shields on both sides: less friction, for higher speeds in clean places.",
        ("what does 2RS mean", "sealed or shielded bearing", "2RS or ZZ, which one should I take"),
        "products",
    ),
    # The questions German and Spanish customers ask most, answered in their language
    DemoFaq(
        "Wie schnell liefern Sie?",
        "Bestellungen bis 14:00 Uhr verlassen das Lager am selben Tag: 1-2 Werktage in Deutschland, 2-5 in der EU.",
        ("Wie lange dauert die Lieferung?", "Wie lange ist ein Paket unterwegs?", "Liefern Sie ins Ausland?"),
        "delivery",
        "de",
    ),
    DemoFaq(
        "Was kostet der Versand?",
        "Innerhalb Deutschlands 9,90 EUR pro Bestellung, ab 250 EUR netto versandkostenfrei; in die übrige EU "
        "19,90 EUR. Außerhalb der EU nennen wir Fracht und Zollpapiere mit dem Angebot.",
        ("Wie hoch sind die Versandkosten?", "Ist der Versand kostenlos?"),
        "delivery",
        "de",
    ),
    DemoFaq(
        "Kann ich Ware zurückgeben?",
        "Unbenutzte Standardartikel innerhalb von 30 Tagen nach Lieferung; zugeschnittenes Material ist vom Umtausch ausgeschlossen.",
        (
            "Wie ist Ihre Rückgabe-Regelung?",
            "Ich möchte etwas zurückschicken",
            "Bekomme ich mein Geld zurück?",
        ),
        "returns",
        "de",
    ),
    DemoFaq(
        "Was sind Ihre Öffnungszeiten?",
        "Montag bis Freitag 07:30-17:00 Uhr MEZ. Telefon +49 711 555 0000, E-Mail sales@demo.parley.dev.",
        ("Wann haben Sie geöffnet?", "Wie kann ich Sie erreichen?"),
        "contact",
        "de",
    ),
    DemoFaq(
        "Gibt es eine Garantie?",
        "Auf alle Werkzeuge und Spannmittel geben wir 24 Monate Garantie auf Herstellungsfehler. Verschleiß der Schneiden ist kein Mangel.",
        ("Wie lange ist die Garantie?", "Haben die Werkzeuge Garantie?"),
        "warranty",
        "de",
    ),
    DemoFaq(
        "Liefern Sie auch außerhalb der EU?",
        "Ja, in die Schweiz, nach Großbritannien, Norwegen und in die übrige Welt auf Anfrage: Fracht, Lieferzeit "
        "und Zollpapiere nennen wir mit dem Angebot.",
        ("Liefern Sie in die Schweiz?", "Versenden Sie nach Großbritannien?"),
        "delivery",
        "de",
    ),
    DemoFaq(
        "Wo finden wir Sie?",
        "Industriestraße 12, 70565 Stuttgart. Bestellungen können Sie dort Montag bis Freitag 07:30-17:00 Uhr "
        "abholen.",
        ("Wie ist Ihre Adresse?", "Wo kann ich abholen?"),
        "contact",
        "de",
    ),
    DemoFaq(
        "Verkaufen Sie auch an Privatkunden?",
        "Ja, wir verkaufen an Firmen und Privatkunden gleichermaßen: Sie können auch ohne Kundenkonto bestellen.",
        ("Kann ich als Privatperson bestellen?", "Brauche ich eine Firma, um zu bestellen?"),
        "billing",
        "de",
    ),
    DemoFaq(
        "¿Cuánto tarda el envío?",
        "Los pedidos antes de las 14:00 salen el mismo día: 1-2 días laborables en Alemania, 2-5 en la UE.",
        ("¿Cuántos días tarda la entrega?", "¿Envían al extranjero?", "plazo de entrega"),
        "delivery",
        "es",
    ),
    DemoFaq(
        "¿Cuánto cuesta el envío?",
        "Dentro de Alemania 9,90 EUR por pedido, gratis a partir de 250 EUR netos; al resto de la UE 19,90 EUR. "
        "Fuera de la UE cotizamos el transporte y los papeles de aduana con su pedido.",
        ("¿Cuáles son los gastos de envío?", "¿El envío es gratis?"),
        "delivery",
        "es",
    ),
    DemoFaq(
        "¿Puedo devolver un artículo?",
        "Artículos estándar sin usar dentro de los 30 días posteriores a la entrega; el material cortado a medida no se puede devolver.",
        ("¿Cuál es su política de devoluciones?", "Quiero devolver algo", "¿Me devuelven el dinero?"),
        "returns",
        "es",
    ),
    DemoFaq(
        "¿Cuál es su horario?",
        "De lunes a viernes de 07:30 a 17:00 CET. Teléfono +49 711 555 0000, correo sales@demo.parley.dev.",
        ("¿A qué hora abren?", "¿Cómo puedo contactarles?"),
        "contact",
        "es",
    ),
    DemoFaq(
        "¿Tienen garantía?",
        "Todas las herramientas y sujeciones tienen 24 meses de garantía contra defectos de fabricación. El desgaste de los filos no es un defecto.",
        ("¿Cuánto dura la garantía?", "¿Las herramientas tienen garantía?"),
        "warranty",
        "es",
    ),
    DemoFaq(
        "¿Envían fuera de la UE?",
        "Sí, a Suiza, el Reino Unido, Noruega y el resto del mundo bajo consulta: cotizamos el transporte, el plazo "
        "y los papeles de aduana con su pedido.",
        ("¿Envían a Suiza?", "¿Hacen envíos al Reino Unido?"),
        "delivery",
        "es",
    ),
    DemoFaq(
        "¿Dónde se encuentran?",
        "Industriestraße 12, 70565 Stuttgart, Alemania. Puede recoger sus pedidos allí de lunes a viernes de "
        "07:30 a 17:00.",
        ("¿Cuál es su dirección?", "¿Dónde puedo recoger mi pedido?"),
        "contact",
        "es",
    ),
    DemoFaq(
        "¿Venden también a particulares?",
        "Sí, vendemos a empresas y a particulares por igual: puede pedir también sin cuenta de cliente.",
        ("¿Puedo comprar como particular?", "¿Hace falta ser empresa para comprar?"),
        "billing",
        "es",
    ),
)
