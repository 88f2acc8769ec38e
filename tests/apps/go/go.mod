module ops/tests/apps/go

go 1.19
