"""Operations around the pipeline: schedules, retention."""
