"""The statutory returns made from dutydesk's records: the DfE Children in Need census
(`census.py`), Ofsted's Annex A lists (`annex_a.py`) and the data-quality report beside them
(`quality.py`). `cli.py` is the `flask export` command group that writes them to files."""
