"""SMS through one provider interface: Tencent Cloud, Alibaba Cloud, or the development log.

`base` holds the interface and its two errors, `config` builds a provider from the environment,
`codes` sends verification codes through any provider. See docs/sms.md.
"""
