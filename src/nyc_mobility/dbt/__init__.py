"""The packaged dbt project and everything that speaks to dbt: where the project is (:mod:`.project`),
the arguments of each invocation (:mod:`.args`), the layers of its nodes (:mod:`.layers`), the seeds the
package generates (:mod:`.seeds`) and the Spark engine's glue (:mod:`.spark`)."""
