module gitlab.example.com/go/inventory

go 1.22
