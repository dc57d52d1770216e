"""The BarCamp's rules as pure functions and small frozen values: plain values in, values
out, no store and no context. The use cases in `handlers.barcamp.commands` load what a
rule needs, ask it, and store what it decided; a refusal is an `Explained` with the
catalogue key and values the person reads."""
