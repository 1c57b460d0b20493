const sum = [1, 2, 3].reduce((total, value) => total + value, 0);
console.log(sum); // 6
