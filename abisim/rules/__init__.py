"""CBP's rules, one module per application, over the store. No I/O of their own."""
