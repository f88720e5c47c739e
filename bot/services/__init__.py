"""Services: the domain rules and use cases. They take an `AsyncSession`, plain values and
`now`, return plain results, decide who may do what, and never import Telegram."""
