"""The live class's database: records, engine, schema and ClassStore."""
